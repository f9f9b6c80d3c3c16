import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { loadCompose, ROOT } from './compose-file.js'

// trainer-gpu's README and Dockerfile tell how to build and run the trainer image by hand:
// they must name the image compose builds, and the command the Dockerfile really runs.
test('trainer-gpu README and Dockerfile name the image and command compose uses', () => {
  const trainer = loadCompose({}).services.trainer
  const image: string = trainer.image
  assert.equal(image, 't2s-trainer:0.1.0')
  const dockerfile = readFileSync(join(ROOT, trainer.build.dockerfile), 'utf8')
  const readme = readFileSync(join(ROOT, 'trainer-gpu/README.md'), 'utf8')
  for (const [name, text] of [['README', readme], ['Dockerfile', dockerfile]]) {
    const tags = [...text.matchAll(/-t (\S+) \./g)].map((m) => m[1])
    assert.ok(tags.length > 0, `${name} shows a docker build command`)
    assert.deepEqual([...new Set(tags)], [image], `${name} builds the image compose runs`)
  }
  const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1]
  assert.ok(cmd)
  assert.ok(readme.includes((JSON.parse(cmd) as string[]).join(' ')), `the README says what the image runs by default: ${cmd}`)
})
