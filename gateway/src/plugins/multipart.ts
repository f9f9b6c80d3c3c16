import multipart, { type MultipartFile } from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'

/** Largest file part accepted: BIRD train's predictions (9,428 questions) are about 4 MB. */
export const MAX_UPLOAD_BYTES = 8 * 1024 * 1024

/**
 * multipart/form-data for uploads of files as they are (the official predict_dev.json):
 * fields and the one file become a plain body, the file as UTF-8 text, so a route's schema
 * validates them like JSON. Over the limits: 413, before anything reaches a service.
 */
export async function registerMultipart (app: FastifyInstance): Promise<void> {
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 32, fieldSize: 64 * 1024, parts: 33 },
    onFile: async (part: MultipartFile) => {
      const buf = await part.toBuffer()
      ;(part as MultipartFile & { value: string }).value = buf.toString('utf8')
    }
  })
}
