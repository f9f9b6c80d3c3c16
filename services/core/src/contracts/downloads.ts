import { Type, type Static } from 'typebox'

/** The dataset service's download verb. */
export const DOWNLOAD_VERBS = { create: 'download_source' } as const

/** The official BIRD archives (docs/recipe-formats.md §1): what a download fetches when it names no url. */
export const BIRD_ARCHIVES = {
  dev: 'https://bird-bench.oss-cn-beijing.aliyuncs.com/dev.zip',
  train: 'https://bird-bench.oss-cn-beijing.aliyuncs.com/train.zip'
} as const

const GiB = 1024 ** 3

/**
 * Limits of an unpack, outer and inner archives together. The defaults fit BIRD train
 * (about 33 GB unpacked, some thousand files) with room to spare; a compression bomb
 * trips the ratio or the size before anything is written.
 */
export const UNPACK_DEFAULTS = { max_unpacked_bytes: 100 * GiB, max_files: 100_000, max_ratio: 500 } as const

export const DownloadSourceBodySchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', description: 'Name of the source to register; the files land in DATA_DIR/sources/<name>', examples: ['bird-dev'] }),
  url: Type.Optional(Type.String({ minLength: 8, maxLength: 2048, pattern: '^https?://[^\\s]+$', description: 'Zip archive in BIRD layout; default: the official BIRD archive of `split`' })),
  split: Type.Union([Type.Literal('dev'), Type.Literal('train')], { default: 'dev', description: 'Which official BIRD archive to fetch when url is absent' }),
  sha256: Type.Optional(Type.String({ pattern: '^[a-f0-9]{64}$', description: 'Expected sha256 of the archive; a mismatch fails the job (the digest is recorded either way)' })),
  questions: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'Questions JSON inside the unpacked archive; default: <x>.json beside the <x>_databases folder', examples: ['dev_20240627/dev.json'] })),
  databases: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'Folder of <db_id>/<db_id>.sqlite inside the unpacked archive; default: the one *_databases folder found', examples: ['dev_20240627/dev_databases'] })),
  max_unpacked_bytes: Type.Integer({ minimum: 1, maximum: 1024 * GiB, default: UNPACK_DEFAULTS.max_unpacked_bytes, description: 'Refuse archives (outer and inner together) that unpack to more bytes than this' }),
  max_files: Type.Integer({ minimum: 1, maximum: 1_000_000, default: UNPACK_DEFAULTS.max_files, description: 'Refuse archives with more entries than this' }),
  max_ratio: Type.Integer({ minimum: 2, maximum: 1100, default: UNPACK_DEFAULTS.max_ratio, description: 'Refuse an entry of 1 MiB or more that expands more than this many times (deflate tops out near 1032:1)' })
}, { additionalProperties: false })
export type DownloadSourceBody = Static<typeof DownloadSourceBodySchema>

/** What a finished download job reports as its result. */
export interface DownloadResult {
  [key: string]: unknown
  source_id: string
  name: string
  url: string
  sha256: string
  archive_bytes: number
  resumed: number
  unpacked_bytes: number
  files: number
  questions: string
  databases: string
  question_count: number
  database_count: number
}
