import { Type } from 'typebox'
import { badRequest, ServiceError } from '@t2s/core'
import { EvaluationOptionsSchema, type CreateEvaluationBody } from '@t2s/core/contracts'
import { MAX_UPLOAD_BYTES } from '../plugins/multipart.js'

/** POST /v1/evaluations as multipart/form-data: the predictions file as uploaded, the rest as fields. */
export const UploadEvaluationBodySchema = Type.Object({
  source: Type.String({ minLength: 1, maxLength: 128, description: 'Source id or name' }),
  predictions: Type.String({ contentMediaType: 'application/json', format: 'binary', description: `The official predict_dev.json file as it is (at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB)` }),
  ...EvaluationOptionsSchema
}, { additionalProperties: false })

/** The JSON body an uploaded form stands for; a file that is not a JSON object or list is refused here. */
export function uploadedBody (form: Record<string, unknown>, maxPayload: number): CreateEvaluationBody {
  const text = form.predictions as string
  let predictions: unknown
  try {
    predictions = JSON.parse(text)
  } catch (err) {
    throw badRequest(`the predictions file is not JSON (${(err as Error).message.slice(0, 120)}): upload the official predict_dev.json, {"0": "SQL\\t----- bird -----\\tdb_id", …}`)
  }
  if (typeof predictions !== 'object' || predictions === null) throw badRequest('the predictions file must hold a JSON object {"0": "SQL\\t----- bird -----\\tdb_id", …} or a list [{question_id, sql}]')
  const body = { ...form, predictions } as CreateEvaluationBody
  // The evaluator receives it in one NATS message.
  if (Buffer.byteLength(JSON.stringify(body)) > maxPayload) throw new ServiceError('PAYLOAD_TOO_LARGE', `the predictions file is larger than the message bus carries (${Math.floor(maxPayload / 1024)} KiB)`)
  return body
}
