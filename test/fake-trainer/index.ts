import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The scripted trainer, to pass as T2S_TRAINER_PYTHON. */
export const FAKE_PYTHON = fileURLToPath(new URL('./fake-python.mjs', import.meta.url))

/** What the fake trainer does for one base model (see fake-python.mjs). */
export interface FakeBehaviour {
  /** Wall time of one optimizer step (default 20 ms). */
  step_ms?: number
  /** Steps of the run (default: from the data, global batch and epochs, like the real trainer). */
  total_steps?: number
  /** SIGKILL itself right after logging this step, once per run folder. */
  crash_at_step?: number
  /** Report an error event and exit 1 at this step (0: before training). */
  error_at_step?: number
  error_message?: string
  error_type?: string
  /** Exit with this code before any event, after printing stderr_at_start. */
  exit_code_at_start?: number
  stderr_at_start?: string
  /** Keep training through SIGTERM (the service must then SIGKILL it). */
  ignore_sigterm?: boolean
  /**
   * After logging each of these steps, write `.fake-held-at-<step>` in output_dir and wait
   * until `.fake-release-<step>` exists there (or a SIGTERM comes, which checkpoints the step).
   */
  hold_after_steps?: number[]
}

/** Writes the script file the fake reads (T2S_FAKE_TRAINER_SCRIPT), keyed by base model. */
export function writeFakeScript (file: string, byModel: Record<string, FakeBehaviour>): void {
  writeFileSync(file, JSON.stringify(byModel, null, 2))
}
