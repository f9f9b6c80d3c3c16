// Generated from openapi/openapi.json by `npm run openapi:export` (openapi-typescript); do not edit.
export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Alive */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "status": "ok"
                         *     }
                         */
                        "application/json": {
                            status: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: NATS, JetStream and each service answer, and DATA_DIR has room */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Ready */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "status": "ready",
                         *       "nats": true,
                         *       "services": {
                         *         "dataset": true,
                         *         "reasoning": true,
                         *         "trainer": true,
                         *         "evaluator": true
                         *       }
                         *     }
                         */
                        "application/json": {
                            status: "ready" | "not ready";
                            nats: boolean;
                            services: {
                                [key: string]: boolean;
                            };
                            /** @description When not ready: why, one line each (NATS, JetStream, a service, DATA_DIR disk space) */
                            reasons?: string[];
                            /** @description Ready, but something needs attention soon (DATA_DIR below T2S_MIN_FREE_MB) */
                            warnings?: string[];
                        };
                    };
                };
                /** @description Not ready: reasons says why */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "status": "not ready",
                         *       "nats": true,
                         *       "services": {
                         *         "dataset": true,
                         *         "reasoning": true,
                         *         "trainer": false,
                         *         "evaluator": true
                         *       },
                         *       "reasons": [
                         *         "no trainer instance answers"
                         *       ]
                         *     }
                         */
                        "application/json": {
                            status: "ready" | "not ready";
                            nats: boolean;
                            services: {
                                [key: string]: boolean;
                            };
                            /** @description When not ready: why, one line each (NATS, JetStream, a service, DATA_DIR disk space) */
                            reasons?: string[];
                            /** @description Ready, but something needs attention soon (DATA_DIR below T2S_MIN_FREE_MB) */
                            warnings?: string[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List jobs, newest first */
        get: {
            parameters: {
                query: {
                    status?: "queued" | "running" | "succeeded" | "failed" | "cancelled";
                    kind?: string;
                    limit: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Jobs */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "items": [
                         *         {
                         *           "id": "job_mxbjslstbeee64af277b",
                         *           "kind": "training.sft",
                         *           "service": "trainer",
                         *           "status": "succeeded",
                         *           "progress": {
                         *             "done": 12,
                         *             "total": 12,
                         *             "unit": "steps"
                         *           },
                         *           "resource": {
                         *             "type": "training_job",
                         *             "id": "tj_mxbjslsfde5218045f62"
                         *           },
                         *           "result": {
                         *             "training_id": "tj_mxbjslsfde5218045f62",
                         *             "adapter_name": "demo-sft",
                         *             "kind": "adapter",
                         *             "artifact": "artifacts/adapters/demo-sft",
                         *             "loaded": true,
                         *             "steps": 12,
                         *             "train_loss": 0.207743
                         *           },
                         *           "error": null,
                         *           "params": {
                         *             "training_id": "tj_mxbjslsfde5218045f62",
                         *             "dataset": "ds_mxbjsjyq4e5f720ab73d",
                         *             "adapter_name": "demo-sft",
                         *             "method": "lora"
                         *           },
                         *           "attempts": 1,
                         *           "created_at": "2026-12-06T07:56:42.462Z",
                         *           "updated_at": "2026-12-06T07:56:43.296Z",
                         *           "started_at": "2026-12-06T07:56:42.514Z",
                         *           "finished_at": "2026-12-06T07:56:43.296Z"
                         *         }
                         *       ],
                         *       "total": 1
                         *     }
                         */
                        "application/json": {
                            items: components["schemas"]["Job"][];
                            total: number;
                        };
                    };
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A job: status, progress, result or error */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /**
                     * @description Job id (job_…)
                     * @example job_mxbjsjyqfe8a2649ebe6
                     */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The job */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": "job_mxbjsjyqfe8a2649ebe6",
                         *       "kind": "dataset.sft",
                         *       "service": "dataset",
                         *       "status": "succeeded",
                         *       "progress": {
                         *         "done": 40,
                         *         "total": 40,
                         *         "unit": "questions"
                         *       },
                         *       "resource": {
                         *         "type": "dataset",
                         *         "id": "ds_mxbjsjyq4e5f720ab73d"
                         *       },
                         *       "result": {
                         *         "dataset_id": "ds_mxbjsjyq4e5f720ab73d",
                         *         "train": 28,
                         *         "test": 12,
                         *         "dropped": 0
                         *       },
                         *       "error": null,
                         *       "params": {
                         *         "source": "demo",
                         *         "kind": "sft",
                         *         "test_size": 0.3,
                         *         "seed": 42,
                         *         "prompt": {
                         *           "preset": "cookbook",
                         *           "options": {}
                         *         },
                         *         "gold_check": "drop",
                         *         "dataset_id": "ds_mxbjsjyq4e5f720ab73d",
                         *         "source_id": "src_mxbjsjsc0f47acacf367"
                         *       },
                         *       "attempts": 1,
                         *       "created_at": "2026-12-06T07:56:40.083Z",
                         *       "updated_at": "2026-12-06T07:56:40.397Z",
                         *       "started_at": "2026-12-06T07:56:40.095Z",
                         *       "finished_at": "2026-12-06T07:56:40.397Z"
                         *     }
                         */
                        "application/json": components["schemas"]["Job"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * Delete an ended job's record and events
         * @description 409 while it has not ended, and for a job that built a dataset, evaluation or training job: delete that instead (its status is the job's).
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /**
                     * @description Job id (job_…)
                     * @example job_mxbjsjyqfe8a2649ebe6
                     */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted, or was not there (deleting is idempotent) */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a job; workers stop starting new work within 2 s */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /**
                     * @description Job id (job_…)
                     * @example job_mxbjsjyqfe8a2649ebe6
                     */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The job after the request */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": "job_mxbjsnh5c68361b8a0f7",
                         *       "kind": "dataset.download",
                         *       "service": "dataset",
                         *       "status": "cancelled",
                         *       "progress": {
                         *         "done": 0,
                         *         "total": null,
                         *         "unit": "bytes"
                         *       },
                         *       "resource": {
                         *         "type": "source",
                         *         "id": "bird-dev"
                         *       },
                         *       "result": null,
                         *       "error": "cancelled by request",
                         *       "params": {
                         *         "name": "bird-dev",
                         *         "split": "dev",
                         *         "max_unpacked_bytes": 107374182400,
                         *         "max_files": 100000,
                         *         "max_ratio": 500
                         *       },
                         *       "attempts": 1,
                         *       "created_at": "2026-12-06T07:56:44.633Z",
                         *       "updated_at": "2026-12-06T07:56:44.747Z",
                         *       "started_at": "2026-12-06T07:56:44.709Z",
                         *       "finished_at": "2026-12-06T07:56:44.747Z"
                         *     }
                         */
                        "application/json": components["schemas"]["Job"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Progress as server-sent events (status, progress, log, metric); resumable with Last-Event-ID; ends after the final status */
        get: {
            parameters: {
                query?: never;
                header?: {
                    "last-event-id"?: string;
                };
                path: {
                    /**
                     * @description Job id (job_…)
                     * @example job_mxbjsjyqfe8a2649ebe6
                     */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description An event stream; each event id is its stream sequence */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example : events of job job_mxbjsjyqfe8a2649ebe6
                         *
                         *     id: 1
                         *     event: status
                         *     data: {"type":"status","job_id":"job_mxbjsjyqfe8a2649ebe6","status":"queued","progress":{"done":0,"total":null,"unit":"questions"},"time":"2026-12-06T07:56:40.083Z"}
                         *
                         *     id: 2
                         *     event: status
                         *     data: {"type":"status","job_id":"job_mxbjsjyqfe8a2649ebe6","status":"running","progress":{"done":0,"total":null,"unit":"questions"},"time":"2026-12-06T07:56:40.098Z"}
                         *
                         *     id: 7
                         *     event: status
                         *     data: {"type":"status","job_id":"job_mxbjsjyqfe8a2649ebe6","status":"succeeded","progress":{"done":40,"total":40,"unit":"questions"},"time":"2026-12-06T07:56:40.411Z"}
                         */
                        "text/event-stream": string;
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sources": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Registered sources */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Sources */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "items": [
                         *         {
                         *           "id": "src_mxbjsjsc0f47acacf367",
                         *           "name": "demo",
                         *           "questions": "demo/dev.json",
                         *           "databases": "demo/dev_databases",
                         *           "question_count": 40,
                         *           "database_count": 3,
                         *           "db_ids": [
                         *             "bike_share",
                         *             "library",
                         *             "school"
                         *           ],
                         *           "difficulty_counts": {
                         *             "simple": 16,
                         *             "moderate": 16,
                         *             "challenging": 8,
                         *             "unknown": 0
                         *           },
                         *           "questions_sha256": "ceef6175c956ceebac510b94be1ee5a1b1b5b7615374da309a82193fd0620347",
                         *           "created_at": "2026-12-06T07:56:39.852Z"
                         *         }
                         *       ],
                         *       "total": 1
                         *     }
                         */
                        "application/json": {
                            items: {
                                id: string;
                                name: string;
                                /** @description The questions path as registered */
                                questions: string;
                                /** @description The databases folder as registered */
                                databases: string;
                                question_count: number;
                                database_count: number;
                                db_ids: string[];
                                difficulty_counts: {
                                    simple: number;
                                    moderate: number;
                                    challenging: number;
                                    /** @description Questions without a difficulty (e.g. BIRD train) */
                                    unknown: number;
                                };
                                questions_sha256: string;
                                /** Format: date-time */
                                created_at: string;
                            }[];
                            total: number;
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Register a BIRD-layout split: a questions JSON and a folder of <db_id>/<db_id>.sqlite
         * @description Paths resolve inside DATA_DIR or a folder listed in T2S_SOURCE_ROOTS. Every question is checked; an error names the item and field, e.g. questions[12].db_id.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    /**
                     * @example {
                     *       "name": "demo",
                     *       "questions": "demo/dev.json",
                     *       "databases": "demo/dev_databases"
                     *     }
                     */
                    "application/json": {
                        /**
                         * @description Unique name, usable wherever a source id is
                         * @example bird-sample-dev
                         */
                        name: string;
                        /**
                         * @description Questions JSON (BIRD: db_id, question, evidence, SQL; Spider query accepted), relative to DATA_DIR or a T2S_SOURCE_ROOTS folder, or absolute inside one
                         * @example bird-sample/dev.json
                         */
                        questions: string;
                        /**
                         * @description Folder holding <db_id>/<db_id>.sqlite, resolved like questions
                         * @example bird-sample/dev_databases
                         */
                        databases: string;
                    };
                };
            };
            responses: {
                /** @description The registered source */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": "src_mxbjsjsc0f47acacf367",
                         *       "name": "demo",
                         *       "questions": "demo/dev.json",
                         *       "databases": "demo/dev_databases",
                         *       "question_count": 40,
                         *       "database_count": 3,
                         *       "db_ids": [
                         *         "bike_share",
                         *         "library",
                         *         "school"
                         *       ],
                         *       "difficulty_counts": {
                         *         "simple": 16,
                         *         "moderate": 16,
                         *         "challenging": 8,
                         *         "unknown": 0
                         *       },
                         *       "questions_sha256": "ceef6175c956ceebac510b94be1ee5a1b1b5b7615374da309a82193fd0620347",
                         *       "created_at": "2026-12-06T07:56:39.852Z"
                         *     }
                         */
                        "application/json": components["schemas"]["Source"];
                    };
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sources/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A source by id or name */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /**
                     * @description Source id (src_…) or name
                     * @example src_mxbjsjsc0f47acacf367
                     */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The source */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": "src_mxbjsjsc0f47acacf367",
                         *       "name": "demo",
                         *       "questions": "demo/dev.json",
                         *       "databases": "demo/dev_databases",
                         *       "question_count": 40,
                         *       "database_count": 3,
                         *       "db_ids": [
                         *         "bike_share",
                         *         "library",
                         *         "school"
                         *       ],
                         *       "difficulty_counts": {
                         *         "simple": 16,
                         *         "moderate": 16,
                         *         "challenging": 8,
                         *         "unknown": 0
                         *       },
                         *       "questions_sha256": "ceef6175c956ceebac510b94be1ee5a1b1b5b7615374da309a82193fd0620347",
                         *       "created_at": "2026-12-06T07:56:39.852Z"
                         *     }
                         */
                        "application/json": components["schemas"]["Source"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * Forget a source's registration (never the files it points at)
         * @description 409 while a dataset build, an evaluation or a download that names it has not ended.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /**
                     * @description Source id (src_…) or name
                     * @example src_mxbjsjsc0f47acacf367
                     */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted, or was not there (deleting is idempotent) */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sources/{id}/questions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A page of a source's questions in file order */
        get: {
            parameters: {
                query: {
                    offset: number;
                    limit: number;
                };
                header?: never;
                path: {
                    /**
                     * @description Source id (src_…) or name
                     * @example src_mxbjsjsc0f47acacf367
                     */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Questions */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "items": [
                         *         {
                         *           "index": 0,
                         *           "question_id": 0,
                         *           "db_id": "library",
                         *           "question": "How many books in the catalogue are mysteries?",
                         *           "evidence": "mysteries refers to genre = 'Mystery'",
                         *           "sql": "SELECT COUNT(book_id) FROM books WHERE genre = 'Mystery'",
                         *           "difficulty": "simple"
                         *         },
                         *         {
                         *           "index": 1,
                         *           "question_id": 1,
                         *           "db_id": "library",
                         *           "question": "List the titles of the books that have more than 650 pages.",
                         *           "evidence": "more than 650 pages refers to pages > 650",
                         *           "sql": "SELECT title FROM books WHERE pages > 650",
                         *           "difficulty": "simple"
                         *         }
                         *       ],
                         *       "total": 40,
                         *       "offset": 0,
                         *       "limit": 2
                         *     }
                         */
                        "application/json": {
                            items: {
                                /** @description Position in the questions file (what BIRD pairs predictions by) */
                                index: number;
                                question_id: number | null;
                                db_id: string;
                                question: string;
                                evidence: string;
                                /** @description Gold SQL, as written in the file */
                                sql: string;
                                difficulty: ("simple" | "moderate" | "challenging") | null;
                            }[];
                            total: number;
                            offset: number;
                            limit: number;
                        };
                    };
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/evaluations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Evaluations, newest first */
        get: {
            parameters: {
                query: {
                    limit: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Evaluations */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "items": [
                         *         {
                         *           "id": "ev_mxbjskoq90d3af8474b8",
                         *           "job_id": "job_mxbjskoq3c77c9d0f5a0",
                         *           "status": "succeeded",
                         *           "source": {
                         *             "id": "src_mxbjsjsc0f47acacf367",
                         *             "name": "demo"
                         *           },
                         *           "model": null,
                         *           "server": null,
                         *           "options": {
                         *             "limit": 2,
                         *             "timeout_s": 30,
                         *             "system_prompt": "plain",
                         *             "extraction": "robust",
                         *             "concurrency": 32,
                         *             "samples": 1,
                         *             "request_timeout_s": 120
                         *           },
                         *           "ex": {
                         *             "simple": 50,
                         *             "moderate": 0,
                         *             "challenging": 0,
                         *             "total": 50
                         *           },
                         *           "soft_f1": {
                         *             "simple": 50,
                         *             "moderate": 0,
                         *             "challenging": 0,
                         *             "total": 50
                         *           },
                         *           "counts": {
                         *             "simple": 2,
                         *             "moderate": 0,
                         *             "challenging": 0,
                         *             "unknown": 0,
                         *             "total": 2,
                         *             "planned": 2
                         *           },
                         *           "statuses": {
                         *             "correct": 1,
                         *             "wrong_result": 1,
                         *             "pred_error": 0,
                         *             "pred_timeout": 0,
                         *             "rejected": 0,
                         *             "no_sql": 0,
                         *             "gold_error": 0,
                         *             "gold_timeout": 0,
                         *             "llm_error": 0
                         *           },
                         *           "gold_cache_hits": 2,
                         *           "timing": {
                         *             "created_at": "2026-12-06T07:56:41.018Z",
                         *             "started_at": "2026-12-06T07:56:41.024Z",
                         *             "finished_at": "2026-12-06T07:56:41.094Z",
                         *             "wall_s": 0.07,
                         *             "questions_per_s": 28.57142857142857,
                         *             "latency_ms_p50": 48.031,
                         *             "latency_ms_p95": 48.031,
                         *             "prompt_tokens": 0,
                         *             "completion_tokens": 0
                         *           },
                         *           "manifest": {
                         *             "scorer": "bird-ex-1",
                         *             "source": {
                         *               "id": "src_mxbjsjsc0f47acacf367",
                         *               "name": "demo",
                         *               "questions_sha256": "ceef6175c956ceebac510b94be1ee5a1b1b5b7615374da309a82193fd0620347"
                         *             },
                         *             "databases": {
                         *               "library": "d467b0d1afa4d10d1f94fd7834dd3f2ace015c7a7af95f71d0a629dfa0f23a64"
                         *             },
                         *             "max_rows": 100000,
                         *             "predictions": "file"
                         *           },
                         *           "error": null
                         *         }
                         *       ],
                         *       "total": 1
                         *     }
                         */
                        "application/json": {
                            items: components["schemas"]["Evaluation"][];
                            total: number;
                        };
                    };
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Score a predictions file, or ask a served model every question, with the official BIRD execution accuracy
         * @description Send `source` and either `predictions` (the official `{"0": "SQL\t----- bird -----\tdb_id"}` object, paired with the questions by position, or `[{question_id, sql}]`) or `model` (a model or LoRA adapter of the student server). Or upload the official predict_dev.json as it is: multipart/form-data with the file as `predictions` and the other fields beside it. Answers 202; follow the job, then read the report.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    /**
                     * @example {
                     *       "source": "demo",
                     *       "limit": 2,
                     *       "predictions": {
                     *         "0": "SELECT COUNT(book_id) FROM books WHERE genre = 'Mystery'\t----- bird -----\tlibrary",
                     *         "1": "SELECT title FROM books WHERE pages > 650\t----- bird -----\tlibrary"
                     *       }
                     *     }
                     */
                    "application/json": {
                        /**
                         * @description Source id or name
                         * @example bird-sample-dev
                         */
                        source: string;
                        /** @description Score these predictions (paired with the questions by position, or by question_id in the list form) */
                        predictions?: {
                            [key: string]: string | unknown;
                        } | {
                            /** @description The question's question_id (its index where the file has none) */
                            question_id: number;
                            sql: string | null;
                        }[];
                        /** @description Ask this model or LoRA adapter every question (default: the server's default model) */
                        model?: string;
                        /**
                         * @description The model server to ask (GET /v1/model-servers): default `student` (STUDENT_BASE_URL); `teacher` or a registered server to evaluate another model
                         * @example llama-70b-hosted
                         */
                        server?: string;
                        /**
                         * @description Limit for prediction and gold together, per question, as the official scorer (30 s)
                         * @default 30
                         */
                        timeout_s: number;
                        /**
                         * @description The recipe's evaluation system prompts: plain (base models) or reasoning (fine-tunes: step-by-step reasoning, then the SQL)
                         * @default plain
                         */
                        system_prompt: "plain" | "reasoning";
                        /**
                         * @description robust: the last ```sql fence (any case), an unterminated fence, or bare text starting with SELECT/WITH; cookbook: the recipe's first ```sql block, else the whole text
                         * @default robust
                         */
                        extraction: "robust" | "cookbook";
                        /**
                         * @description Questions in flight at once
                         * @default 32
                         */
                        concurrency: number;
                        max_tokens?: number;
                        /** @description Default 0, or 0.8 when samples > 1 */
                        temperature?: number;
                        /**
                         * @description Answers per question; above 1 the answer is chosen by majority vote over the execution results of the executable candidates (ties: the earliest)
                         * @default 1
                         */
                        samples: number;
                        /**
                         * @description Limit per request to the student server (timed-out requests are not retried)
                         * @default 120
                         */
                        request_timeout_s: number;
                        /** @description Evaluate only the first n questions */
                        limit?: number;
                    };
                    "multipart/form-data": {
                        /** @description Source id or name */
                        source: string;
                        /**
                         * Format: binary
                         * @description The official predict_dev.json file as it is (at most 8 MiB)
                         */
                        predictions: string;
                        /**
                         * @description Limit for prediction and gold together, per question, as the official scorer (30 s)
                         * @default 30
                         */
                        timeout_s: number;
                        /**
                         * @description The recipe's evaluation system prompts: plain (base models) or reasoning (fine-tunes: step-by-step reasoning, then the SQL)
                         * @default plain
                         */
                        system_prompt: "plain" | "reasoning";
                        /**
                         * @description robust: the last ```sql fence (any case), an unterminated fence, or bare text starting with SELECT/WITH; cookbook: the recipe's first ```sql block, else the whole text
                         * @default robust
                         */
                        extraction: "robust" | "cookbook";
                        /**
                         * @description Questions in flight at once
                         * @default 32
                         */
                        concurrency: number;
                        max_tokens?: number;
                        /** @description Default 0, or 0.8 when samples > 1 */
                        temperature?: number;
                        /**
                         * @description Answers per question; above 1 the answer is chosen by majority vote over the execution results of the executable candidates (ties: the earliest)
                         * @default 1
                         */
                        samples: number;
                        /**
                         * @description Limit per request to the student server (timed-out requests are not retried)
                         * @default 120
                         */
                        request_timeout_s: number;
                        /** @description Evaluate only the first n questions */
                        limit?: number;
                    };
                };
            };
            responses: {
                /** @description Accepted: the evaluation and the job scoring it */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": "ev_mxbjskhxf73a9045df8b",
                         *       "job_id": "job_mxbjskhx4e2852a44f4d",
                         *       "status": "queued"
                         *     }
                         */
                        "application/json": {
                            /** @description Id of the resource being built */
                            id: string;
                            /** @description Id of the job building it: follow it at /v1/jobs/{job_id} */
                            job_id: string;
                            status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
                        };
                    };
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Body larger than 1 MiB */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A service or model server the request needs is not available */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/evaluations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The report: EX and Soft-F1 by difficulty (0-100), counts, item statuses, gold cache hits, timing, manifest */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /**
                     * @description Evaluation id (ev_…)
                     * @example ev_mxbjskhxf73a9045df8b
                     */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The evaluation (scored so far, while it runs) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": "ev_mxbjskhxf73a9045df8b",
                         *       "job_id": "job_mxbjskhx4e2852a44f4d",
                         *       "status": "succeeded",
                         *       "source": {
                         *         "id": "src_mxbjsjsc0f47acacf367",
                         *         "name": "demo"
                         *       },
                         *       "model": null,
                         *       "server": null,
                         *       "options": {
                         *         "limit": 2,
                         *         "timeout_s": 30,
                         *         "system_prompt": "plain",
                         *         "extraction": "robust",
                         *         "concurrency": 32,
                         *         "samples": 1,
                         *         "request_timeout_s": 120
                         *       },
                         *       "ex": {
                         *         "simple": 100,
                         *         "moderate": 0,
                         *         "challenging": 0,
                         *         "total": 100
                         *       },
                         *       "soft_f1": {
                         *         "simple": 100,
                         *         "moderate": 0,
                         *         "challenging": 0,
                         *         "total": 100
                         *       },
                         *       "counts": {
                         *         "simple": 2,
                         *         "moderate": 0,
                         *         "challenging": 0,
                         *         "unknown": 0,
                         *         "total": 2,
                         *         "planned": 2
                         *       },
                         *       "statuses": {
                         *         "correct": 2,
                         *         "wrong_result": 0,
                         *         "pred_error": 0,
                         *         "pred_timeout": 0,
                         *         "rejected": 0,
                         *         "no_sql": 0,
                         *         "gold_error": 0,
                         *         "gold_timeout": 0,
                         *         "llm_error": 0
                         *       },
                         *       "gold_cache_hits": 0,
                         *       "timing": {
                         *         "created_at": "2026-12-06T07:56:40.774Z",
                         *         "started_at": "2026-12-06T07:56:40.795Z",
                         *         "finished_at": "2026-12-06T07:56:40.962Z",
                         *         "wall_s": 0.167,
                         *         "questions_per_s": 11.976047904191615,
                         *         "latency_ms_p50": 99.046,
                         *         "latency_ms_p95": 99.046,
                         *         "prompt_tokens": 0,
                         *         "completion_tokens": 0
                         *       },
                         *       "manifest": {
                         *         "scorer": "bird-ex-1",
                         *         "source": {
                         *           "id": "src_mxbjsjsc0f47acacf367",
                         *           "name": "demo",
                         *           "questions_sha256": "ceef6175c956ceebac510b94be1ee5a1b1b5b7615374da309a82193fd0620347"
                         *         },
                         *         "databases": {
                         *           "library": "d467b0d1afa4d10d1f94fd7834dd3f2ace015c7a7af95f71d0a629dfa0f23a64"
                         *         },
                         *         "max_rows": 100000,
                         *         "predictions": "file"
                         *       },
                         *       "error": null
                         *     }
                         */
                        "application/json": components["schemas"]["Evaluation"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * Delete an evaluation: its report, scored items, predictions and job
         * @description 409 while it runs (cancel it first).
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /**
                     * @description Evaluation id (ev_…)
                     * @example ev_mxbjskhxf73a9045df8b
                     */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted, or was not there (deleting is idempotent) */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/evaluations/{id}/items": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Scored questions in file order, optionally of one status */
        get: {
            parameters: {
                query: {
                    offset: number;
                    limit: number;
                    /** @description correct; wrong_result (runs, other result set); pred_error / pred_timeout (the prediction fails or passes the time limit); rejected (not one read-only query: writes, ATTACH, PRAGMA, stacked statements); no_sql (blank, or no SQL found in the answer); gold_error / gold_timeout (the gold SQL itself fails: scored 0, as the official scorer does, but counted apart); llm_error (the student server gave no usable answer after its retries) */
                    status?: "correct" | "wrong_result" | "pred_error" | "pred_timeout" | "rejected" | "no_sql" | "gold_error" | "gold_timeout" | "llm_error";
                };
                header?: never;
                path: {
                    /**
                     * @description Evaluation id (ev_…)
                     * @example ev_mxbjskhxf73a9045df8b
                     */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of items */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "items": [
                         *         {
                         *           "index": 0,
                         *           "question_id": 0,
                         *           "db_id": "library",
                         *           "difficulty": "simple",
                         *           "status": "wrong_result",
                         *           "correct": false,
                         *           "soft_f1": 0,
                         *           "sql": "SELECT COUNT(*) FROM books",
                         *           "gold_sql": "SELECT COUNT(book_id) FROM books WHERE genre = 'Mystery'",
                         *           "error": null,
                         *           "latency_ms": 1.588,
                         *           "tokens": null
                         *         },
                         *         {
                         *           "index": 1,
                         *           "question_id": 1,
                         *           "db_id": "library",
                         *           "difficulty": "simple",
                         *           "status": "correct",
                         *           "correct": true,
                         *           "soft_f1": 1,
                         *           "sql": "SELECT title FROM books WHERE pages > 650",
                         *           "gold_sql": "SELECT title FROM books WHERE pages > 650",
                         *           "error": null,
                         *           "latency_ms": 48.031,
                         *           "tokens": null
                         *         }
                         *       ],
                         *       "total": 2
                         *     }
                         */
                        "application/json": {
                            items: {
                                /** @description Position in the questions file */
                                index: number;
                                question_id: number | null;
                                db_id: string;
                                difficulty: ("simple" | "moderate" | "challenging") | null;
                                /** @description correct; wrong_result (runs, other result set); pred_error / pred_timeout (the prediction fails or passes the time limit); rejected (not one read-only query: writes, ATTACH, PRAGMA, stacked statements); no_sql (blank, or no SQL found in the answer); gold_error / gold_timeout (the gold SQL itself fails: scored 0, as the official scorer does, but counted apart); llm_error (the student server gave no usable answer after its retries) */
                                status: "correct" | "wrong_result" | "pred_error" | "pred_timeout" | "rejected" | "no_sql" | "gold_error" | "gold_timeout" | "llm_error";
                                correct: boolean;
                                /** @description Soft-F1 of this question, 0-1 */
                                soft_f1: number;
                                /** @description The predicted (extracted) SQL */
                                sql: string | null;
                                gold_sql: string;
                                /** @description Why the prediction, the gold or the model call failed */
                                error: string | null;
                                /** @description Time to produce and score this question */
                                latency_ms: number;
                                tokens: {
                                    prompt: number;
                                    completion: number;
                                } | null;
                            }[];
                            /** @description Items matching the filter */
                            total: number;
                        };
                    };
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/evaluations/{id}/predictions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The predictions in the official BIRD format: run the official scorer on this file unchanged */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /**
                     * @description Evaluation id (ev_…)
                     * @example ev_mxbjskhxf73a9045df8b
                     */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description {"0": "SQL\t----- bird -----\tdb_id", …} */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "0": "SELECT COUNT(book_id) FROM books WHERE genre = 'Mystery'\t----- bird -----\tlibrary",
                         *       "1": "SELECT title FROM books WHERE pages > 650\t----- bird -----\tlibrary"
                         *     }
                         */
                        "application/json": {
                            [key: string]: string;
                        };
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What the teacher and student servers serve: base models and loaded LoRA adapters
         * @description An unset or unreachable server is reported (configured / available / error), not an error of this route.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Models per server */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "teacher": {
                         *         "configured": false,
                         *         "available": false,
                         *         "default_model": null,
                         *         "models": [],
                         *         "error": null
                         *       },
                         *       "student": {
                         *         "configured": true,
                         *         "available": true,
                         *         "default_model": "meta-llama/Llama-3.1-8B-Instruct",
                         *         "models": [
                         *           {
                         *             "id": "meta-llama/Llama-3.1-8B-Instruct",
                         *             "parent": null,
                         *             "max_model_len": 131072
                         *           },
                         *           {
                         *             "id": "demo-sft",
                         *             "parent": "meta-llama/Llama-3.1-8B-Instruct",
                         *             "max_model_len": null
                         *           }
                         *         ],
                         *         "error": null
                         *       },
                         *       "servers": [
                         *         {
                         *           "name": "teacher",
                         *           "configured": false,
                         *           "available": false,
                         *           "default_model": null,
                         *           "models": [],
                         *           "error": null
                         *         },
                         *         {
                         *           "name": "student",
                         *           "configured": true,
                         *           "available": true,
                         *           "default_model": "meta-llama/Llama-3.1-8B-Instruct",
                         *           "models": [
                         *             {
                         *               "id": "meta-llama/Llama-3.1-8B-Instruct",
                         *               "parent": null,
                         *               "max_model_len": 131072
                         *             },
                         *             {
                         *               "id": "demo-sft",
                         *               "parent": "meta-llama/Llama-3.1-8B-Instruct",
                         *               "max_model_len": null
                         *             }
                         *           ],
                         *           "error": null
                         *         }
                         *       ]
                         *     }
                         */
                        "application/json": {
                            teacher: {
                                /** @description Whether its base URL is set */
                                configured: boolean;
                                /** @description Whether it answered */
                                available: boolean;
                                default_model: string | null;
                                models: {
                                    id: string;
                                    /** @description Base model of a LoRA adapter */
                                    parent: string | null;
                                    max_model_len: number | null;
                                }[];
                                error: string | null;
                            };
                            student: {
                                /** @description Whether its base URL is set */
                                configured: boolean;
                                /** @description Whether it answered */
                                available: boolean;
                                default_model: string | null;
                                models: {
                                    id: string;
                                    /** @description Base model of a LoRA adapter */
                                    parent: string | null;
                                    max_model_len: number | null;
                                }[];
                                error: string | null;
                            };
                            /** @description Every model server (the environment's and the registered ones), in GET /v1/model-servers order */
                            servers: {
                                name: string;
                                /** @description Whether its base URL is set */
                                configured: boolean;
                                /** @description Whether it answered */
                                available: boolean;
                                default_model: string | null;
                                models: {
                                    id: string;
                                    /** @description Base model of a LoRA adapter */
                                    parent: string | null;
                                    max_model_len: number | null;
                                }[];
                                error: string | null;
                            }[];
                        };
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A service or model server the request needs is not available */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sql/generate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ask a student model one question with the evaluation prompt, and run the SQL it answers
         * @description The quickest way to try a model: the answer text, the SQL extracted from it and its result (first 100 rows) from the sandbox.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    /**
                     * @example {
                     *       "source": "demo",
                     *       "db_id": "library",
                     *       "question": "How many books in the catalogue are mysteries?",
                     *       "evidence": "mysteries refers to genre = 'Mystery'",
                     *       "model": "demo-sft",
                     *       "system_prompt": "reasoning"
                     *     }
                     */
                    "application/json": {
                        /** @description Source id or name (gives the database folder) */
                        source: string;
                        db_id: string;
                        question: string;
                        /** @default  */
                        evidence: string;
                        /** @description Model or LoRA adapter name on the server (default: the server's default model) */
                        model?: string;
                        /**
                         * @description The model server to ask: default `student`
                         * @example llama-70b-hosted
                         */
                        server?: string;
                        /**
                         * @description The recipe's evaluation system prompts: plain (base models) or reasoning (fine-tunes: step-by-step reasoning, then the SQL)
                         * @default plain
                         */
                        system_prompt: "plain" | "reasoning";
                        /**
                         * @description robust: the last ```sql fence (any case), an unterminated fence, or bare text starting with SELECT/WITH; cookbook: the recipe's first ```sql block, else the whole text
                         * @default robust
                         */
                        extraction: "robust" | "cookbook";
                        max_tokens?: number;
                        /** @default 0 */
                        temperature: number;
                        /**
                         * @description Limit for running the SQL
                         * @default 30
                         */
                        timeout_s: number;
                    };
                };
            };
            responses: {
                /** @description The answer and its result */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "server": "student",
                         *       "model": "demo-sft",
                         *       "answer": "```sql\nSELECT COUNT(book_id) FROM books WHERE genre = 'Mystery'\n```",
                         *       "sql": "SELECT COUNT(book_id) FROM books WHERE genre = 'Mystery'",
                         *       "extraction": "fence",
                         *       "result": {
                         *         "status": "ok",
                         *         "columns": [
                         *           "COUNT(book_id)"
                         *         ],
                         *         "rows": [
                         *           [
                         *             13
                         *           ]
                         *         ],
                         *         "truncated": false,
                         *         "error": null,
                         *         "elapsed_ms": 57.334
                         *       },
                         *       "latency_ms": 142,
                         *       "tokens": {
                         *         "prompt": 412,
                         *         "completion": 17
                         *       }
                         *     }
                         */
                        "application/json": {
                            server: string;
                            model: string;
                            /** @description The model's whole answer */
                            answer: string;
                            /** @description The SQL extracted from it (null: none found) */
                            sql: string | null;
                            /** @description How it was found: fence, unterminated_fence, bare, whole_text, none */
                            extraction: string;
                            result: {
                                status: "ok" | "error" | "timeout" | "rejected";
                                columns: string[];
                                /** @description At most 100 rows; integers beyond 2^53 and blobs as strings */
                                rows: unknown[][];
                                truncated: boolean;
                                error: string | null;
                                elapsed_ms: number;
                            } | null;
                            latency_ms: number;
                            tokens: {
                                prompt: number;
                                completion: number;
                            } | null;
                        };
                    };
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A service or model server the request needs is not available */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A service did not answer in time */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sources/download": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Download a BIRD-layout zip archive, unpack it and register it as a source (a job)
         * @description Without url, fetches the official BIRD archive of `split` (dev or train). The job streams the archive into DATA_DIR (progress in bytes), resumes an interrupted transfer with a Range request, records its sha256, unpacks it and its inner database archive under size, file-count and compression-ratio limits (refusing entries that leave the folder, links and zip bombs), and registers the split under `name`. Follow it at /v1/jobs/{job_id}; the source is then at /v1/sources/{name}.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    /**
                     * @example {
                     *       "name": "bird-dev",
                     *       "split": "dev"
                     *     }
                     */
                    "application/json": {
                        /**
                         * @description Name of the source to register; the files land in DATA_DIR/sources/<name>
                         * @example bird-dev
                         */
                        name: string;
                        /** @description Zip archive in BIRD layout; default: the official BIRD archive of `split` */
                        url?: string;
                        /**
                         * @description Which official BIRD archive to fetch when url is absent
                         * @default dev
                         */
                        split: "dev" | "train";
                        /** @description Expected sha256 of the archive; a mismatch fails the job (the digest is recorded either way) */
                        sha256?: string;
                        /**
                         * @description Questions JSON inside the unpacked archive; default: <x>.json beside the <x>_databases folder
                         * @example dev_20240627/dev.json
                         */
                        questions?: string;
                        /**
                         * @description Folder of <db_id>/<db_id>.sqlite inside the unpacked archive; default: the one *_databases folder found
                         * @example dev_20240627/dev_databases
                         */
                        databases?: string;
                        /**
                         * @description Refuse archives (outer and inner together) that unpack to more bytes than this
                         * @default 107374182400
                         */
                        max_unpacked_bytes: number;
                        /**
                         * @description Refuse archives with more entries than this
                         * @default 100000
                         */
                        max_files: number;
                        /**
                         * @description Refuse an entry of 1 MiB or more that expands more than this many times (deflate tops out near 1032:1)
                         * @default 500
                         */
                        max_ratio: number;
                    };
                };
            };
            responses: {
                /** @description The download job was queued; id is the name the source will have */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": "bird-dev",
                         *       "job_id": "job_mxbjsnh5c68361b8a0f7",
                         *       "status": "queued"
                         *     }
                         */
                        "application/json": {
                            /** @description Id of the resource being built */
                            id: string;
                            /** @description Id of the job building it: follow it at /v1/jobs/{job_id} */
                            job_id: string;
                            status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
                        };
                    };
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A service or model server the request needs is not available */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/datasets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** All datasets, newest first */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Datasets */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "items": [
                         *         {
                         *           "id": "ds_mxbjsjyq4e5f720ab73d",
                         *           "kind": "sft",
                         *           "status": "succeeded",
                         *           "job_id": "job_mxbjsjyqfe8a2649ebe6",
                         *           "source": {
                         *             "id": "src_mxbjsjsc0f47acacf367",
                         *             "name": "demo"
                         *           },
                         *           "params": {
                         *             "source": "demo",
                         *             "kind": "sft",
                         *             "test_size": 0.3,
                         *             "seed": 42,
                         *             "prompt": {
                         *               "preset": "cookbook",
                         *               "options": {}
                         *             },
                         *             "gold_check": "drop"
                         *           },
                         *           "prompt": {
                         *             "preset": "cookbook",
                         *             "version": "cookbook-1",
                         *             "options": {}
                         *           },
                         *           "counts": {
                         *             "questions": 40,
                         *             "kept": 40,
                         *             "dropped": 0,
                         *             "train": 28,
                         *             "test": 12
                         *           },
                         *           "dropped": [],
                         *           "token_stats": {
                         *             "train": {
                         *               "examples": 28,
                         *               "tokens_mean": 378.5,
                         *               "tokens_p50": 395,
                         *               "tokens_p95": 493,
                         *               "tokens_max": 515,
                         *               "over_4096": 0,
                         *               "histogram": {
                         *                 "bin_width": 128,
                         *                 "counts": [
                         *                   0,
                         *                   0,
                         *                   14,
                         *                   13,
                         *                   1
                         *                 ]
                         *               }
                         *             },
                         *             "test": {
                         *               "examples": 12,
                         *               "tokens_mean": 391.9,
                         *               "tokens_p50": 410,
                         *               "tokens_p95": 511,
                         *               "tokens_max": 511,
                         *               "over_4096": 0,
                         *               "histogram": {
                         *                 "bin_width": 128,
                         *                 "counts": [
                         *                   0,
                         *                   0,
                         *                   5,
                         *                   7
                         *                 ]
                         *               }
                         *             }
                         *           },
                         *           "stats": {
                         *             "gold_check": {
                         *               "executed": 40,
                         *               "cached": 0
                         *             }
                         *           },
                         *           "files": {
                         *             "train": {
                         *               "lines": 28,
                         *               "bytes": 46121,
                         *               "sha256": "3b40e7fdc933329863d300b94a99fc369b6137cadff1d582c8df837fc237944b"
                         *             },
                         *             "test": {
                         *               "lines": 12,
                         *               "bytes": 20459,
                         *               "sha256": "1e2f80d9df986585be127f5e94220eaac8ff5e5d694a46a6aa7fb974950bc21d"
                         *             }
                         *           },
                         *           "manifest": {
                         *             "source": {
                         *               "id": "src_mxbjsjsc0f47acacf367",
                         *               "name": "demo",
                         *               "questions_sha256": "ceef6175c956ceebac510b94be1ee5a1b1b5b7615374da309a82193fd0620347"
                         *             },
                         *             "prompt_version": "cookbook-1",
                         *             "options": {
                         *               "test_size": 0.3,
                         *               "seed": 42,
                         *               "gold_check": "drop",
                         *               "limit": null,
                         *               "prompt": {
                         *                 "preset": "cookbook",
                         *                 "options": {}
                         *               }
                         *             },
                         *             "code_version": "0.1.0+97c8f33a7c0d",
                         *             "format": "recipe JSONL: {\"messages\":[system,user,assistant]} (train_text2sql_sft_dataset.json layout)"
                         *           },
                         *           "error": null,
                         *           "created_at": "2026-12-06T07:56:40.082Z",
                         *           "finished_at": "2026-12-06T07:56:40.371Z"
                         *         }
                         *       ],
                         *       "total": 1
                         *     }
                         */
                        "application/json": {
                            items: components["schemas"]["Dataset"][];
                            total: number;
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Build a dataset from a source: kind "sft" (gold SQL as the answer) or "cot" (teacher chain-of-thought)
         * @description Answers 202 with the dataset id and the job building it. SFT: optional gold check in the sandbox, the recipe's prompts, a seeded split (test = ceil(n × test_size)). CoT: see the reasoning options.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Repeat a POST with the same key and body to get the same dataset and job, never a second one; the same key with another body is a 422 */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    /**
                     * @example {
                     *       "source": "demo",
                     *       "kind": "sft",
                     *       "test_size": 0.3,
                     *       "seed": 42
                     *     }
                     */
                    "application/json": {
                        /** @description Source id or name */
                        source: string;
                        /** @enum {string} */
                        kind: "sft";
                        /**
                         * @description Share of examples in the test split: test = ceil(n × test_size)
                         * @default 0.3
                         */
                        test_size: number;
                        /** @default 42 */
                        seed: number;
                        /**
                         * @default {
                         *       "preset": "cookbook",
                         *       "options": {}
                         *     }
                         */
                        prompt: {
                            /**
                             * @default cookbook
                             * @enum {string}
                             */
                            preset: "cookbook";
                            /** @default {} */
                            options: {
                                /** @description Rows per table shown under its CREATE TABLE (recipe format); 0 = off */
                                sample_rows?: number;
                                /** @description Add column meanings from database_description/*.csv */
                                column_descriptions?: boolean;
                                /** @description Report examples longer than this many Llama 3 tokens (never cut silently) */
                                token_budget?: number;
                            };
                        };
                        /**
                         * @description drop: run every gold SQL in the sandbox first and leave out the ones that fail or time out
                         * @default drop
                         */
                        gold_check: "drop" | "keep";
                        /** @description Use only the first n questions */
                        limit?: number;
                    } | {
                        /** @description Source id or name */
                        source: string;
                        /** @enum {string} */
                        kind: "cot";
                        /**
                         * @default {
                         *       "temperature": 0
                         *     }
                         */
                        teacher: {
                            /**
                             * @description The model server asked (GET /v1/model-servers): default `teacher` (TEACHER_BASE_URL)
                             * @example llama-70b-hosted
                             */
                            server?: string;
                            /** @description Served model name; default the server's default model (TEACHER_MODEL for the teacher) */
                            model?: string;
                            /** @default 0 */
                            temperature: number;
                            max_tokens?: number;
                        };
                        /**
                         * @description execution: the answer's SQL must return the gold's result set; exact: the recipe's string rule; none: keep every fenced answer
                         * @default execution
                         */
                        validation: "execution" | "exact" | "none";
                        /**
                         * @description Asks for a rejected item again (temperature 0.7) up to this many times in all
                         * @default 1
                         */
                        attempts: number;
                        /** @default 16 */
                        concurrency: number;
                        /** @default 0.3 */
                        test_size: number;
                        /** @default 42 */
                        seed: number;
                        limit?: number;
                        /**
                         * @description cookbook: the recipe CoT layout; unified: the SFT/evaluation user layout
                         * @default cookbook
                         */
                        layout: "cookbook" | "unified";
                    };
                };
            };
            responses: {
                /** @description Accepted: follow job_id */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": "ds_mxbjsjyq4e5f720ab73d",
                         *       "job_id": "job_mxbjsjyqfe8a2649ebe6",
                         *       "status": "queued"
                         *     }
                         */
                        "application/json": {
                            /** @description Id of the resource being built */
                            id: string;
                            /** @description Id of the job building it: follow it at /v1/jobs/{job_id} */
                            job_id: string;
                            status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
                        };
                    };
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The request is well-formed but cannot be done as asked; detail says why */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A service or model server the request needs is not available */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/datasets/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A dataset: status, counts, dropped items, token statistics, manifest */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /**
                     * @description Dataset id (ds_… or cot_…)
                     * @example ds_mxbjsjyq4e5f720ab73d
                     */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The dataset */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": "ds_mxbjsjyq4e5f720ab73d",
                         *       "kind": "sft",
                         *       "status": "succeeded",
                         *       "job_id": "job_mxbjsjyqfe8a2649ebe6",
                         *       "source": {
                         *         "id": "src_mxbjsjsc0f47acacf367",
                         *         "name": "demo"
                         *       },
                         *       "params": {
                         *         "source": "demo",
                         *         "kind": "sft",
                         *         "test_size": 0.3,
                         *         "seed": 42,
                         *         "prompt": {
                         *           "preset": "cookbook",
                         *           "options": {}
                         *         },
                         *         "gold_check": "drop"
                         *       },
                         *       "prompt": {
                         *         "preset": "cookbook",
                         *         "version": "cookbook-1",
                         *         "options": {}
                         *       },
                         *       "counts": {
                         *         "questions": 40,
                         *         "kept": 40,
                         *         "dropped": 0,
                         *         "train": 28,
                         *         "test": 12
                         *       },
                         *       "dropped": [],
                         *       "token_stats": {
                         *         "train": {
                         *           "examples": 28,
                         *           "tokens_mean": 378.5,
                         *           "tokens_p50": 395,
                         *           "tokens_p95": 493,
                         *           "tokens_max": 515,
                         *           "over_4096": 0,
                         *           "histogram": {
                         *             "bin_width": 128,
                         *             "counts": [
                         *               0,
                         *               0,
                         *               14,
                         *               13,
                         *               1
                         *             ]
                         *           }
                         *         },
                         *         "test": {
                         *           "examples": 12,
                         *           "tokens_mean": 391.9,
                         *           "tokens_p50": 410,
                         *           "tokens_p95": 511,
                         *           "tokens_max": 511,
                         *           "over_4096": 0,
                         *           "histogram": {
                         *             "bin_width": 128,
                         *             "counts": [
                         *               0,
                         *               0,
                         *               5,
                         *               7
                         *             ]
                         *           }
                         *         }
                         *       },
                         *       "stats": {
                         *         "gold_check": {
                         *           "executed": 40,
                         *           "cached": 0
                         *         }
                         *       },
                         *       "files": {
                         *         "train": {
                         *           "lines": 28,
                         *           "bytes": 46121,
                         *           "sha256": "3b40e7fdc933329863d300b94a99fc369b6137cadff1d582c8df837fc237944b"
                         *         },
                         *         "test": {
                         *           "lines": 12,
                         *           "bytes": 20459,
                         *           "sha256": "1e2f80d9df986585be127f5e94220eaac8ff5e5d694a46a6aa7fb974950bc21d"
                         *         }
                         *       },
                         *       "manifest": {
                         *         "source": {
                         *           "id": "src_mxbjsjsc0f47acacf367",
                         *           "name": "demo",
                         *           "questions_sha256": "ceef6175c956ceebac510b94be1ee5a1b1b5b7615374da309a82193fd0620347"
                         *         },
                         *         "prompt_version": "cookbook-1",
                         *         "options": {
                         *           "test_size": 0.3,
                         *           "seed": 42,
                         *           "gold_check": "drop",
                         *           "limit": null,
                         *           "prompt": {
                         *             "preset": "cookbook",
                         *             "options": {}
                         *           }
                         *         },
                         *         "code_version": "0.1.0+97c8f33a7c0d",
                         *         "format": "recipe JSONL: {\"messages\":[system,user,assistant]} (train_text2sql_sft_dataset.json layout)"
                         *       },
                         *       "error": null,
                         *       "created_at": "2026-12-06T07:56:40.082Z",
                         *       "finished_at": "2026-12-06T07:56:40.371Z"
                         *     }
                         */
                        "application/json": components["schemas"]["Dataset"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * Delete a dataset: its record, its JSONL files and its job
         * @description 409 while it is being built or a training job that reads it has not ended.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /**
                     * @description Dataset id (ds_… or cot_…)
                     * @example ds_mxbjsjyq4e5f720ab73d
                     */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted, or was not there (deleting is idempotent) */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/datasets/{id}/files/{split}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download a split as JSON lines ({"messages":[system,user,assistant]} per line) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /**
                     * @description Dataset id (ds_… or cot_…)
                     * @example ds_mxbjsjyq4e5f720ab73d
                     */
                    id: string;
                    /**
                     * @description Which file of the dataset
                     * @example train
                     */
                    split: "train" | "test";
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description JSON lines */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /** @example {"messages":[{"content":"You are a text to SQL query translator. Using the SQLite DB Schema and the External Knowledge, translate the following text question into a SQLite SQL select statement.","role":"system"},{"content":"-- DB Schema: CREATE TABLE authors\n(\n    author_id  INTEGER NOT NULL PRIMARY KEY,\n    name       TEXT    NOT NULL,\n    birth_year INTEGER,\n    country    TEXT\n)\n\nCREATE TABLE books\n(\n    book_id        INTEGER NOT NULL PRIMARY KEY,\n    title          TEXT    NOT NULL,\n    author_id      INTEGER REFERENCES authors (author_id),\n    genre          TEXT,\n    published_year INTEGER,\n    pages          INTEGER,\n    isbn           TEXT UNIQUE,\n    price          REAL -- replacement cost in EUR\n)\n\nCREATE TABLE members\n(\n    member_id       INTEGER NOT NULL PRIMARY KEY,\n    first_name      TEXT    NOT NULL,\n    last_name       TEXT    NOT NULL,\n    membership_type TEXT    NOT NULL, -- 'standard', 'student' or 'senior'\n    joined_on       TEXT    NOT NULL,\n    birth_date      TEXT,\n    city            TEXT,\n    email           TEXT\n)\n\nCREATE TABLE loans\n(\n    loan_id     INTEGER PRIMARY KEY AUTOINCREMENT,\n    book_id     INTEGER NOT NULL,\n    member_id   INTEGER NOT NULL,\n    loaned_on   TEXT    NOT NULL,\n    due_on      TEXT    NOT NULL,\n    returned_on TEXT, -- NULL while the book is still out\n    fine        REAL, -- EUR 0.25 per day late, charged on return\n    FOREIGN KEY (book_id) REFERENCES books (book_id),\n    FOREIGN KEY (member_id) REFERENCES members (member_id)\n)\n\nCREATE TABLE sqlite_sequence(name,seq)\n\n-- External Knowledge: student membership refers to membership_type = 'student'\n\n-- Question: How many members hold a student membership?","role":"user"},{"content":"SELECT COUNT(member_id) FROM members WHERE membership_type = 'student'","role":"assistant"}]} */
                        "application/x-ndjson": string;
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sql/execute": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run one read-only query on a source database in the sandbox
         * @description The query runs in a separate process, read-only, killed at timeout_ms. Anything but a single read-only statement (writes, ATTACH, PRAGMA assignments, VACUUM INTO, stacked statements) is rejected before it runs. Query outcomes (error, timeout, rejected) are results, not HTTP errors. A client that disconnects before the answer calls the query off: dropped from the queue if it waits for a process, killed if it runs.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    /**
                     * @example {
                     *       "source": "demo",
                     *       "db_id": "library",
                     *       "sql": "SELECT count(*) FROM loans"
                     *     }
                     */
                    "application/json": {
                        /** @description Source id or name */
                        source: string;
                        db_id: string;
                        /** @description One read-only statement (SELECT or WITH … SELECT) */
                        sql: string;
                        /**
                         * @description Deadline of the query once a sandbox process runs it; at most 10 s, so that a few runaway queries cannot hold the pool for long
                         * @default 10000
                         */
                        timeout_ms: number;
                        /** @default 1000 */
                        max_rows: number;
                    };
                };
            };
            responses: {
                /** @description The outcome */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "status": "ok",
                         *       "columns": [
                         *         "count(*)"
                         *       ],
                         *       "rows": [
                         *         [
                         *           340
                         *         ]
                         *       ],
                         *       "truncated": false,
                         *       "elapsed_ms": 75.57
                         *     }
                         */
                        "application/json": components["schemas"]["SqlResult"];
                    };
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A service or model server the request needs is not available */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/training-jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Training jobs, newest first */
        get: {
            parameters: {
                query: {
                    offset: number;
                    limit: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Training jobs */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "items": [
                         *         {
                         *           "id": "tj_mxbjslsfde5218045f62",
                         *           "job_id": "job_mxbjslstbeee64af277b",
                         *           "status": "succeeded",
                         *           "adapter_name": "demo-sft",
                         *           "dataset": "ds_mxbjsjyq4e5f720ab73d",
                         *           "base_model": "meta-llama/Llama-3.1-8B-Instruct",
                         *           "method": "lora",
                         *           "step": 12,
                         *           "total_steps": 12,
                         *           "last_loss": 0.207743,
                         *           "created_at": "2026-12-06T07:56:42.462Z",
                         *           "finished_at": "2026-12-06T07:56:43.296Z"
                         *         }
                         *       ],
                         *       "total": 1
                         *     }
                         */
                        "application/json": {
                            items: {
                                id: string;
                                job_id: string;
                                status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
                                adapter_name: string;
                                dataset: string;
                                base_model: string;
                                method: string;
                                step: number;
                                total_steps: number | null;
                                last_loss: number | null;
                                /** Format: date-time */
                                created_at: string;
                                finished_at: string | null;
                            }[];
                            total: number;
                        };
                    };
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Fine-tune the student on a dataset (a job)
         * @description Runs `python -m t2s_trainer sft` on the dataset's train split with the recipe's settings, or the hyper-parameters given. Progress (one metric event per logged step: loss, lr, grad norm, tokens/s, GPU memory) streams at /v1/jobs/{job_id}/events; cancelling the job makes the trainer checkpoint and stop. The adapter lands in DATA_DIR/artifacts/adapters/{adapter_name} and is loaded on the student vLLM under that name when STUDENT_BASE_URL is set.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    /**
                     * @example {
                     *       "dataset": "ds_m1abc0123456789ab",
                     *       "method": "lora",
                     *       "adapter_name": "demo-sft"
                     *     }
                     */
                    "application/json": {
                        /**
                         * @description Dataset id: ds_… (SFT) or cot_… (chain of thought); its train split is used
                         * @example ds_m1abc0123456789ab
                         */
                        dataset: string;
                        /**
                         * @description Hugging Face hub id, or an absolute folder inside DATA_DIR or T2S_SOURCE_ROOTS; default T2S_TRAINER_BASE_MODEL (meta-llama/Llama-3.1-8B-Instruct)
                         * @example meta-llama/Llama-3.1-8B-Instruct
                         */
                        base_model?: string;
                        /**
                         * @description Supervised: lora, qlora (needs bitsandbytes in the trainer image), full. Reinforcement learning: grpo (LoRA, rewards from POST /v1/rewards on the prompts of an SFT dataset; settings in `grpo`)
                         * @default lora
                         */
                        method: "lora" | "qlora" | "full" | "grpo";
                        /** @default {} */
                        hyperparameters: {
                            /** @description Epochs over the packed rows (default 3) */
                            num_epochs?: number;
                            /** @description Stop after this many optimizer steps (overrides num_epochs) */
                            max_steps?: number;
                            /** @description Peak learning rate (default 2e-4 lora/qlora, 5e-6 full) */
                            learning_rate?: number;
                            lr_scheduler?: "constant" | "constant_with_warmup" | "cosine" | "linear";
                            warmup_ratio?: number;
                            max_grad_norm?: number;
                            weight_decay?: number;
                            lora_r?: number;
                            lora_alpha?: number;
                            lora_dropout?: number;
                            /** @description Module names, or ['all-linear'] (default) */
                            lora_target_modules?: string[];
                            per_device_batch_size?: number;
                            /** @description Rows per optimizer step over all GPUs (default 8); a multiple of per_device_batch_size × GPUs */
                            global_batch_size?: number;
                            /** @description Tokens per example and per packed row (default 4096) */
                            max_length?: number;
                            /** @description Cut over-length examples instead of skipping them (default false) */
                            truncate?: boolean;
                            /** @description Pack examples into rows without cross-example attention (default true) */
                            packing?: boolean;
                            /** @description assistant: answer tokens only (default); all: the whole conversation, as the recipe's */
                            loss_on?: "assistant" | "all";
                            /** @description Recompute activations in backward (default true) */
                            gradient_checkpointing?: boolean;
                            seed?: number;
                            logging_steps?: number;
                            /** @description Checkpoint every N steps (default 50; 0 = only on cancel) */
                            save_steps?: number;
                            save_total_limit?: number;
                        };
                        grpo?: {
                            /** @description Optimizer steps, each on fresh rollouts (default 100) */
                            max_steps?: number;
                            /** @description Completions sampled per prompt, G (default 8) */
                            group_size?: number;
                            /** @description Prompts per step; prompts_per_step × group_size ≤ 512 (default 8) */
                            prompts_per_step?: number;
                            /** @description Sampling temperature of the rollouts (default 1.0) */
                            temperature?: number;
                            /** @description Nucleus sampling (default 1.0: off) */
                            top_p?: number;
                            /** @description Tokens per completion at most (default 512) */
                            max_completion_tokens?: number;
                            /** @description Longer prompts are skipped (default 4096) */
                            max_prompt_tokens?: number;
                            /** @description Lower clip of the ratio, 1 − eps (default 0.2) */
                            clip_eps_low?: number;
                            /** @description Upper clip of the ratio, 1 + eps (default 0.28, DAPO clip-higher) */
                            clip_eps_high?: number;
                            /** @description KL penalty towards the reference (the model with the adapter off); 0 skips it (default 0) */
                            kl_coef?: number;
                            /** @description token: every completion token weighs the same (default); sequence: per-completion means */
                            loss_norm?: "token" | "sequence";
                            /** @description Divide advantages by the group's reward std (default true) */
                            scale_rewards?: boolean;
                            /** @description Optimizer updates per batch of rollouts, mu (default 1) */
                            updates_per_step?: number;
                            /** @description Reward weights sent to POST /v1/rewards (Arctic-Text2SQL-R1's 1 / 0.1 / 0 by default) */
                            reward?: {
                                /** @description default 1 */
                                correct?: number;
                                /** @description default 0.1 */
                                executable?: number;
                                /** @description default 0 */
                                error?: number;
                                /** @description default 0 */
                                format?: number;
                            };
                            /** @description How the reward API finds the SQL (default robust) */
                            reward_extraction?: "robust" | "cookbook";
                            /** @description SQL time limit per item on the reward side (default 30) */
                            reward_timeout_s?: number;
                            /** @description Warm start from this published adapter (DATA_DIR/artifacts/adapters/<name>, e.g. an SFT run of the same base model); default: a fresh adapter */
                            init_adapter?: string;
                            /** @description Constant learning rate (default 1e-5) */
                            learning_rate?: number;
                            /** @description default 1.0 */
                            max_grad_norm?: number;
                            /** @description default 0 */
                            weight_decay?: number;
                            /** @description Fresh adapter only (default 16) */
                            lora_r?: number;
                            /** @description Fresh adapter only (default 32) */
                            lora_alpha?: number;
                            /** @description default 0 */
                            lora_dropout?: number;
                            /** @description Module names, or ['all-linear'] (default) */
                            lora_target_modules?: string[];
                            /** @description Completions per forward/backward (default 8) */
                            micro_batch_size?: number;
                            /** @description Completions generated together (default 64) */
                            rollout_batch_size?: number;
                            /** @description default true */
                            gradient_checkpointing?: boolean;
                            /** @description Deterministic GPU kernels: a job resumed after a crash samples the same completions as an uninterrupted run, bit for bit (default false: attention rounding may differ after a resume) */
                            deterministic?: boolean;
                            /** @description Prompt order, LoRA init and sampling (default 42) */
                            seed?: number;
                            logging_steps?: number;
                            /** @description Checkpoint every N steps (default 10; 0 = only on cancel) */
                            save_steps?: number;
                            save_total_limit?: number;
                        };
                        /** @description Served name of the result on the student vLLM and its folder under DATA_DIR/artifacts; default: the training job id */
                        adapter_name?: string;
                    };
                };
            };
            responses: {
                /** @description Accepted: follow the job */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": "tj_mxbjslsfde5218045f62",
                         *       "job_id": "job_mxbjslstbeee64af277b",
                         *       "status": "queued"
                         *     }
                         */
                        "application/json": {
                            /** @description Id of the resource being built */
                            id: string;
                            /** @description Id of the job building it: follow it at /v1/jobs/{job_id} */
                            job_id: string;
                            status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
                        };
                    };
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A service or model server the request needs is not available */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/training-jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A training job: status, configuration, loss series, throughput, artifacts and manifest */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /**
                     * @description Training job id (tj_…)
                     * @example tj_mxbjslsfde5218045f62
                     */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The training job */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": "tj_mxbjslsfde5218045f62",
                         *       "job_id": "job_mxbjslstbeee64af277b",
                         *       "status": "succeeded",
                         *       "adapter_name": "demo-sft",
                         *       "dataset": "ds_mxbjsjyq4e5f720ab73d",
                         *       "base_model": "meta-llama/Llama-3.1-8B-Instruct",
                         *       "method": "lora",
                         *       "hyperparameters": {},
                         *       "config": {
                         *         "model": "meta-llama/Llama-3.1-8B-Instruct",
                         *         "train_files": [
                         *           "artifacts/datasets/ds_mxbjsjyq4e5f720ab73d/train.jsonl"
                         *         ],
                         *         "output_dir": "trainer/runs/tj_mxbjslsfde5218045f62/out",
                         *         "method": "lora",
                         *         "compile": false,
                         *         "resume": "auto"
                         *       },
                         *       "progress": {
                         *         "step": 12,
                         *         "total_steps": 12,
                         *         "epoch": 3
                         *       },
                         *       "loss": [
                         *         {
                         *           "step": 1,
                         *           "epoch": 0.25,
                         *           "loss": 1.752639,
                         *           "lr": 0.0002,
                         *           "grad_norm": 0.25,
                         *           "tokens_per_s": 7700.5,
                         *           "gpu_mem_gb": 41.2,
                         *           "time": "2026-12-06T07:56:42.967Z"
                         *         },
                         *         {
                         *           "step": 12,
                         *           "epoch": 3,
                         *           "loss": 0.207743,
                         *           "lr": 0.0002,
                         *           "grad_norm": 0.25,
                         *           "tokens_per_s": 7700.5,
                         *           "gpu_mem_gb": 41.2,
                         *           "time": "2026-12-06T07:56:43.172Z"
                         *         }
                         *       ],
                         *       "loss_points": 12,
                         *       "throughput": {
                         *         "tokens_per_s_mean": 7700.5,
                         *         "tokens_per_s_last": 7700.5,
                         *         "gpu_mem_gb_peak": 41.2,
                         *         "world_size": 1
                         *       },
                         *       "run": {
                         *         "attempts": 1,
                         *         "resumed_from_step": null,
                         *         "checkpoint_step": null,
                         *         "stopped": "done",
                         *         "info": {
                         *           "world_size": 1,
                         *           "output_dir": "trainer/runs/tj_mxbjslsfde5218045f62/out",
                         *           "method": "lora",
                         *           "model": "meta-llama/Llama-3.1-8B-Instruct",
                         *           "resumed_from": null,
                         *           "num_examples": 28,
                         *           "num_rows": 28,
                         *           "steps_per_epoch": 4,
                         *           "epochs": 3,
                         *           "trainable_params": 671088640,
                         *           "global_batch_size": 8
                         *         }
                         *       },
                         *       "artifacts": {
                         *         "kind": "adapter",
                         *         "path": "artifacts/adapters/demo-sft",
                         *         "files": {
                         *           "adapter_config.json": {
                         *             "bytes": 136,
                         *             "sha256": "4e2db08662baf6821ee6a94b9c34b619bec494f5f83cd523bcdf165a9c6e6687"
                         *           },
                         *           "adapter_model.safetensors": {
                         *             "bytes": 78,
                         *             "sha256": "8565b1b75e2d4559898380b4892f604c58ab37e1d8a853830f7b9f1137d3b557"
                         *           }
                         *         },
                         *         "loaded": {
                         *           "server": "student",
                         *           "lora_name": "demo-sft",
                         *           "lora_path": "/var/lib/t2s/artifacts/adapters/demo-sft",
                         *           "message": "Success: LoRA adapter 'demo-sft' added successfully."
                         *         },
                         *         "note": null
                         *       },
                         *       "manifest": {
                         *         "training_job": "tj_mxbjslsfde5218045f62",
                         *         "job_id": "job_mxbjslstbeee64af277b",
                         *         "name": "demo-sft",
                         *         "kind": "adapter",
                         *         "base_model": "meta-llama/Llama-3.1-8B-Instruct",
                         *         "method": "lora",
                         *         "dataset": {
                         *           "id": "ds_mxbjsjyq4e5f720ab73d",
                         *           "train_file": "artifacts/datasets/ds_mxbjsjyq4e5f720ab73d/train.jsonl",
                         *           "bytes": 46121,
                         *           "sha256": "3b40e7fdc933329863d300b94a99fc369b6137cadff1d582c8df837fc237944b"
                         *         },
                         *         "hyperparameters": {},
                         *         "config": {
                         *           "model": "meta-llama/Llama-3.1-8B-Instruct",
                         *           "train_files": [
                         *             "artifacts/datasets/ds_mxbjsjyq4e5f720ab73d/train.jsonl"
                         *           ],
                         *           "output_dir": "trainer/runs/tj_mxbjslsfde5218045f62/out",
                         *           "method": "lora",
                         *           "compile": false,
                         *           "resume": "auto"
                         *         },
                         *         "steps": 12,
                         *         "total_steps": 12,
                         *         "train_loss": 0.207743,
                         *         "runtime_s": 0.1,
                         *         "trainer": {
                         *           "command": "t2s_trainer sft",
                         *           "gpus": 1,
                         *           "run": {
                         *             "world_size": 1,
                         *             "output_dir": "trainer/runs/tj_mxbjslsfde5218045f62/out",
                         *             "method": "lora",
                         *             "model": "meta-llama/Llama-3.1-8B-Instruct",
                         *             "resumed_from": null,
                         *             "num_examples": 28,
                         *             "num_rows": 28,
                         *             "steps_per_epoch": 4,
                         *             "epochs": 3,
                         *             "trainable_params": 671088640,
                         *             "global_batch_size": 8
                         *           }
                         *         },
                         *         "files": {
                         *           "adapter_config.json": {
                         *             "sha256": "4e2db08662baf6821ee6a94b9c34b619bec494f5f83cd523bcdf165a9c6e6687",
                         *             "bytes": 136
                         *           },
                         *           "adapter_model.safetensors": {
                         *             "sha256": "8565b1b75e2d4559898380b4892f604c58ab37e1d8a853830f7b9f1137d3b557",
                         *             "bytes": 78
                         *           }
                         *         },
                         *         "published_at": "2026-12-06T07:56:43.194Z"
                         *       },
                         *       "error": null,
                         *       "created_at": "2026-12-06T07:56:42.462Z",
                         *       "started_at": "2026-12-06T07:56:42.514Z",
                         *       "finished_at": "2026-12-06T07:56:43.296Z"
                         *     }
                         */
                        "application/json": components["schemas"]["TrainingJob"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * Delete a training job: its record and loss series, checkpoints, log, and published adapter (unloaded from the student first)
         * @description 409 while it runs (cancel it first).
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /**
                     * @description Training job id (tj_…)
                     * @example tj_mxbjslsfde5218045f62
                     */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted, or was not there (deleting is idempotent) */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/training-jobs/{id}/loss.svg": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The loss curve as an SVG image */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /**
                     * @description Training job id (tj_…)
                     * @example tj_mxbjslsfde5218045f62
                     */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description An SVG chart of the loss per step and its smoothed trend */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example <svg xmlns="http://www.w3.org/2000/svg" width="760" height="400" viewBox="0 0 760 400" font-family="system-ui, sans-serif" font-size="12">
                         *     <title>demo-sft: lora on ds_mxbjsjyq4e5f720ab73d</title>
                         *     <rect width="760" height="400" fill="#ffffff"/>
                         *     <text x="64" y="24" font-size="16" font-weight="600" fill="#111">demo-sft: lora on ds_mxbjsjyq4e5f720ab73d</text>
                         *     <text x="64" y="44" fill="#555">meta-llama/Llama-3.1-8B-Instruct · succeeded · 7,701 tokens/s</text>
                         *     <!-- grid, axes and the two loss curves -->
                         *     </svg>
                         */
                        "image/svg+xml": string;
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/evaluations/compare": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Compare 2 to 8 evaluations of the same questions: EX and Soft-F1 with 95 % intervals, paired differences, McNemar p-values, flip counts
         * @description Computed from the committed items, over the questions every evaluation has scored (`partial` while one is unfinished, failed or cancelled). EX: Wilson interval; Soft-F1: percentile bootstrap; differences (b minus a, for every pair in list order): paired percentile bootstrap with one seeded draw sequence (mulberry32, `seed`); test: two-sided exact McNemar on the discordant pairs. Values are percent (0-100), differences in points.
         */
        get: {
            parameters: {
                query: {
                    /**
                     * @description 2 to 8 evaluation ids, comma-separated, of the same questions
                     * @example ev_a,ev_b
                     */
                    ids: string;
                    /** @description Bootstrap resamples */
                    resamples: number;
                    /** @description Seed of the bootstrap draws (mulberry32): the same seed gives the same intervals */
                    seed: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The comparison */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "ids": [
                         *         "ev_mxbjskhxf73a9045df8b",
                         *         "ev_mxbjskoq90d3af8474b8"
                         *       ],
                         *       "source": {
                         *         "id": "src_mxbjsjsc0f47acacf367",
                         *         "name": "demo"
                         *       },
                         *       "questions": 2,
                         *       "compared": 2,
                         *       "partial": false,
                         *       "method": {
                         *         "confidence": 0.95,
                         *         "ex_interval": "Wilson score interval",
                         *         "soft_f1_interval": "percentile bootstrap over questions",
                         *         "difference_interval": "paired percentile bootstrap over questions (the same draws for every evaluation)",
                         *         "test": "exact McNemar test (two-sided binomial on the discordant pairs)",
                         *         "resamples": 2000,
                         *         "seed": 2026
                         *       },
                         *       "evaluations": [
                         *         {
                         *           "id": "ev_mxbjskhxf73a9045df8b",
                         *           "status": "succeeded",
                         *           "model": null,
                         *           "scored": 2,
                         *           "planned": 2,
                         *           "partial": false,
                         *           "buckets": {
                         *             "simple": {
                         *               "n": 2,
                         *               "correct": 2,
                         *               "ex": {
                         *                 "value": 100,
                         *                 "low": 34.2380227506653,
                         *                 "high": 100
                         *               },
                         *               "soft_f1": {
                         *                 "value": 100,
                         *                 "low": 100,
                         *                 "high": 100
                         *               }
                         *             },
                         *             "moderate": {
                         *               "n": 0,
                         *               "correct": 0,
                         *               "ex": {
                         *                 "value": null,
                         *                 "low": null,
                         *                 "high": null
                         *               },
                         *               "soft_f1": {
                         *                 "value": null,
                         *                 "low": null,
                         *                 "high": null
                         *               }
                         *             },
                         *             "challenging": {
                         *               "n": 0,
                         *               "correct": 0,
                         *               "ex": {
                         *                 "value": null,
                         *                 "low": null,
                         *                 "high": null
                         *               },
                         *               "soft_f1": {
                         *                 "value": null,
                         *                 "low": null,
                         *                 "high": null
                         *               }
                         *             },
                         *             "total": {
                         *               "n": 2,
                         *               "correct": 2,
                         *               "ex": {
                         *                 "value": 100,
                         *                 "low": 34.2380227506653,
                         *                 "high": 100
                         *               },
                         *               "soft_f1": {
                         *                 "value": 100,
                         *                 "low": 100,
                         *                 "high": 100
                         *               }
                         *             }
                         *           }
                         *         },
                         *         {
                         *           "id": "ev_mxbjskoq90d3af8474b8",
                         *           "status": "succeeded",
                         *           "model": null,
                         *           "scored": 2,
                         *           "planned": 2,
                         *           "partial": false,
                         *           "buckets": {
                         *             "simple": {
                         *               "n": 2,
                         *               "correct": 1,
                         *               "ex": {
                         *                 "value": 50,
                         *                 "low": 9.453120573423075,
                         *                 "high": 90.54687942657694
                         *               },
                         *               "soft_f1": {
                         *                 "value": 50,
                         *                 "low": 0,
                         *                 "high": 100
                         *               }
                         *             },
                         *             "moderate": {
                         *               "n": 0,
                         *               "correct": 0,
                         *               "ex": {
                         *                 "value": null,
                         *                 "low": null,
                         *                 "high": null
                         *               },
                         *               "soft_f1": {
                         *                 "value": null,
                         *                 "low": null,
                         *                 "high": null
                         *               }
                         *             },
                         *             "challenging": {
                         *               "n": 0,
                         *               "correct": 0,
                         *               "ex": {
                         *                 "value": null,
                         *                 "low": null,
                         *                 "high": null
                         *               },
                         *               "soft_f1": {
                         *                 "value": null,
                         *                 "low": null,
                         *                 "high": null
                         *               }
                         *             },
                         *             "total": {
                         *               "n": 2,
                         *               "correct": 1,
                         *               "ex": {
                         *                 "value": 50,
                         *                 "low": 9.453120573423075,
                         *                 "high": 90.54687942657694
                         *               },
                         *               "soft_f1": {
                         *                 "value": 50,
                         *                 "low": 0,
                         *                 "high": 100
                         *               }
                         *             }
                         *           }
                         *         }
                         *       ],
                         *       "pairs": [
                         *         {
                         *           "a": "ev_mxbjskhxf73a9045df8b",
                         *           "b": "ev_mxbjskoq90d3af8474b8",
                         *           "buckets": {
                         *             "simple": {
                         *               "n": 2,
                         *               "both_right": 1,
                         *               "both_wrong": 0,
                         *               "right_to_wrong": 1,
                         *               "wrong_to_right": 0,
                         *               "ex_diff": {
                         *                 "value": -50,
                         *                 "low": -100,
                         *                 "high": 0
                         *               },
                         *               "soft_f1_diff": {
                         *                 "value": -50,
                         *                 "low": -100,
                         *                 "high": 0
                         *               },
                         *               "mcnemar_p": 1
                         *             },
                         *             "moderate": {
                         *               "n": 0,
                         *               "both_right": 0,
                         *               "both_wrong": 0,
                         *               "right_to_wrong": 0,
                         *               "wrong_to_right": 0,
                         *               "ex_diff": {
                         *                 "value": null,
                         *                 "low": null,
                         *                 "high": null
                         *               },
                         *               "soft_f1_diff": {
                         *                 "value": null,
                         *                 "low": null,
                         *                 "high": null
                         *               },
                         *               "mcnemar_p": 1
                         *             },
                         *             "challenging": {
                         *               "n": 0,
                         *               "both_right": 0,
                         *               "both_wrong": 0,
                         *               "right_to_wrong": 0,
                         *               "wrong_to_right": 0,
                         *               "ex_diff": {
                         *                 "value": null,
                         *                 "low": null,
                         *                 "high": null
                         *               },
                         *               "soft_f1_diff": {
                         *                 "value": null,
                         *                 "low": null,
                         *                 "high": null
                         *               },
                         *               "mcnemar_p": 1
                         *             },
                         *             "total": {
                         *               "n": 2,
                         *               "both_right": 1,
                         *               "both_wrong": 0,
                         *               "right_to_wrong": 1,
                         *               "wrong_to_right": 0,
                         *               "ex_diff": {
                         *                 "value": -50,
                         *                 "low": -100,
                         *                 "high": 0
                         *               },
                         *               "soft_f1_diff": {
                         *                 "value": -50,
                         *                 "low": -100,
                         *                 "high": 0
                         *               },
                         *               "mcnemar_p": 1
                         *             }
                         *           }
                         *         }
                         *       ]
                         *     }
                         */
                        "application/json": components["schemas"]["Comparison"];
                    };
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/evaluations/compare/flips": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The questions whose correctness differs between evaluations a and b, with both SQL texts and statuses, in file order */
        get: {
            parameters: {
                query: {
                    a: string;
                    b: string;
                    direction?: "right_to_wrong" | "wrong_to_right";
                    offset: number;
                    limit: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of flipped questions */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "items": [
                         *         {
                         *           "index": 0,
                         *           "question_id": 0,
                         *           "db_id": "library",
                         *           "difficulty": "simple",
                         *           "direction": "right_to_wrong",
                         *           "gold_sql": "SELECT COUNT(book_id) FROM books WHERE genre = 'Mystery'",
                         *           "a": {
                         *             "status": "correct",
                         *             "sql": "SELECT COUNT(book_id) FROM books WHERE genre = 'Mystery'",
                         *             "soft_f1": 1,
                         *             "error": null
                         *           },
                         *           "b": {
                         *             "status": "wrong_result",
                         *             "sql": "SELECT COUNT(*) FROM books",
                         *             "soft_f1": 0,
                         *             "error": null
                         *           }
                         *         }
                         *       ],
                         *       "total": 1
                         *     }
                         */
                        "application/json": {
                            items: {
                                /** @description Position in the questions file */
                                index: number;
                                question_id: number | null;
                                db_id: string;
                                difficulty: ("simple" | "moderate" | "challenging") | null;
                                direction: "right_to_wrong" | "wrong_to_right";
                                gold_sql: string;
                                a: {
                                    /** @description correct; wrong_result (runs, other result set); pred_error / pred_timeout (the prediction fails or passes the time limit); rejected (not one read-only query: writes, ATTACH, PRAGMA, stacked statements); no_sql (blank, or no SQL found in the answer); gold_error / gold_timeout (the gold SQL itself fails: scored 0, as the official scorer does, but counted apart); llm_error (the student server gave no usable answer after its retries) */
                                    status: "correct" | "wrong_result" | "pred_error" | "pred_timeout" | "rejected" | "no_sql" | "gold_error" | "gold_timeout" | "llm_error";
                                    sql: string | null;
                                    soft_f1: number;
                                    error: string | null;
                                };
                                b: {
                                    /** @description correct; wrong_result (runs, other result set); pred_error / pred_timeout (the prediction fails or passes the time limit); rejected (not one read-only query: writes, ATTACH, PRAGMA, stacked statements); no_sql (blank, or no SQL found in the answer); gold_error / gold_timeout (the gold SQL itself fails: scored 0, as the official scorer does, but counted apart); llm_error (the student server gave no usable answer after its retries) */
                                    status: "correct" | "wrong_result" | "pred_error" | "pred_timeout" | "rejected" | "no_sql" | "gold_error" | "gold_timeout" | "llm_error";
                                    sql: string | null;
                                    soft_f1: number;
                                    error: string | null;
                                };
                            }[];
                            /** @description Flipped questions matching the filter */
                            total: number;
                        };
                    };
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rewards": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Score a batch of answers as rewards for reinforcement learning (GRPO), synchronously
         * @description Up to 512 items, each a question_id of the source and either the model's whole `completion` (its SQL is extracted as evaluations do) or the `sql` itself. Every item is scored by the evaluator exactly as an evaluation scores it (sandbox, official EX, Soft-F1, gold cache). reward = correct (EX = 1) | executable (runs, other result) | error (anything else), plus format when the completion put its SQL in a closed ```sql fence; defaults are Arctic-Text2SQL-R1's 1 / 0.1 / 0 and no format term. An item whose gold SQL fails has reward null.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    /**
                     * @example {
                     *       "source": "demo",
                     *       "items": [
                     *         {
                     *           "question_id": 0,
                     *           "sql": "SELECT COUNT(book_id) FROM books WHERE genre = 'Mystery'"
                     *         },
                     *         {
                     *           "question_id": 1,
                     *           "completion": "```sql\nSELECT title FROM books WHERE pages > 650\n```"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        /**
                         * @description Source id or name whose questions carry the gold SQL
                         * @example bird-sample-dev
                         */
                        source: string;
                        /** @description Each with exactly one of completion or sql */
                        items: {
                            /** @description The question's question_id in the source (its position where the file has none) */
                            question_id: number;
                            /** @description The model's whole answer; its SQL is extracted as evaluations do */
                            completion?: string;
                            /** @description The SQL itself, scored as sent */
                            sql?: string;
                        }[];
                        /**
                         * @description Arctic-Text2SQL-R1's defaults: 1 / 0.1 / 0, no format term
                         * @default {}
                         */
                        reward: {
                            /**
                             * @description Reward of SQL whose result equals the gold result (EX = 1)
                             * @default 1
                             */
                            correct: number;
                            /**
                             * @description Reward of SQL that runs but returns another result
                             * @default 0.1
                             */
                            executable: number;
                            /**
                             * @description Reward of anything else: no SQL found, an error, a timeout, a rejected statement
                             * @default 0
                             */
                            error: number;
                            /**
                             * @description Added when a completion's SQL stands in a closed ```sql fence (the answer format the prompts ask for); never for items sent as sql
                             * @default 0
                             */
                            format: number;
                        };
                        /**
                         * @description robust: the last ```sql fence (any case), an unterminated fence, or bare text starting with SELECT/WITH; cookbook: the recipe's first ```sql block, else the whole text
                         * @default robust
                         */
                        extraction: "robust" | "cookbook";
                        /**
                         * @description Limit for prediction and gold together, per item, as evaluations
                         * @default 30
                         */
                        timeout_s: number;
                    };
                };
            };
            responses: {
                /** @description One scored item per request item, in order */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "items": [
                         *         {
                         *           "question_id": 0,
                         *           "sql": "SELECT COUNT(book_id) FROM books WHERE genre = 'Mystery'",
                         *           "extraction": "sql",
                         *           "status": "correct",
                         *           "ex": 1,
                         *           "soft_f1": 1,
                         *           "format_ok": false,
                         *           "reward": 1,
                         *           "error": null
                         *         },
                         *         {
                         *           "question_id": 1,
                         *           "sql": "SELECT title FROM books WHERE pages > 650",
                         *           "extraction": "fence",
                         *           "status": "correct",
                         *           "ex": 1,
                         *           "soft_f1": 1,
                         *           "format_ok": true,
                         *           "reward": 1,
                         *           "error": null
                         *         }
                         *       ],
                         *       "reward": {
                         *         "correct": 1,
                         *         "executable": 0.1,
                         *         "error": 0,
                         *         "format": 0
                         *       },
                         *       "mean_reward": 1,
                         *       "ex": 1,
                         *       "gold_cache_hits": 2,
                         *       "elapsed_ms": 36.724
                         *     }
                         */
                        "application/json": {
                            /** @description In request order */
                            items: {
                                question_id: number;
                                /** @description The SQL scored (extracted from the completion), null when none was found */
                                sql: string | null;
                                /** @description How the SQL was found: fence, unterminated_fence, bare, whole_text, none; sql for items sent as SQL */
                                extraction: string;
                                /** @description correct; wrong_result (runs, other result set); pred_error / pred_timeout (the prediction fails or passes the time limit); rejected (not one read-only query: writes, ATTACH, PRAGMA, stacked statements); no_sql (blank, or no SQL found in the answer); gold_error / gold_timeout (the gold SQL itself fails: scored 0, as the official scorer does, but counted apart); llm_error (the student server gave no usable answer after its retries) */
                                status: "correct" | "wrong_result" | "pred_error" | "pred_timeout" | "rejected" | "no_sql" | "gold_error" | "gold_timeout" | "llm_error";
                                /** @description Execution accuracy of this item */
                                ex: number;
                                /** @description Mini-Dev's Soft-F1 of this item, 0-1 */
                                soft_f1: number;
                                /** @description Whether the format term applied */
                                format_ok: boolean;
                                /** @description null when the gold SQL itself fails or times out: such an item says nothing about the answer */
                                reward: number | null;
                                error: string | null;
                            }[];
                            /** @description The weights used, defaults filled in */
                            reward: {
                                correct: number;
                                executable: number;
                                error: number;
                                format: number;
                            };
                            /** @description Over items with a reward */
                            mean_reward: number | null;
                            /** @description Share of items with EX = 1, 0-1 */
                            ex: number;
                            gold_cache_hits: number;
                            elapsed_ms: number;
                        };
                    };
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Body larger than 1 MiB */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A service or model server the request needs is not available */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A service did not answer in time */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sources/{id}/databases/{db_id}/schema": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A database's schema as the prompt builder renders it: the CREATE TABLE texts and, when asked, column descriptions and sample rows */
        get: {
            parameters: {
                query: {
                    /** @description Rows per table in the recipe's sample-rows block (0: none, as the recipe) */
                    sample_rows: number;
                    /** @description Append the comments from database_description/*.csv, where the database has them */
                    column_descriptions: boolean;
                };
                header?: never;
                path: {
                    /**
                     * @description Source id or name
                     * @example src_mxbjsjsc0f47acacf367
                     */
                    id: string;
                    /** @example library */
                    db_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The schema text of the prompt */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "source_id": "src_mxbjsjsc0f47acacf367",
                         *       "db_id": "library",
                         *       "prompt_version": "cookbook-1",
                         *       "sample_rows": 0,
                         *       "column_descriptions": false,
                         *       "has_descriptions": true,
                         *       "schema": "CREATE TABLE authors\n(\n    author_id  INTEGER NOT NULL PRIMARY KEY,\n    name       TEXT    NOT NULL,\n    birth_year INTEGER,\n    country    TEXT\n)\n\nCREATE TABLE books\n(\n    book_id        INTEGER NOT NULL PRIMARY KEY,\n    title          TEXT    NOT NULL,\n    author_id      INTEGER REFERENCES authors (author_id),\n    genre          TEXT,\n    published_year INTEGER,\n    pages          INTEGER,\n    isbn           TEXT UNIQUE,\n    price          REAL -- replacement cost in EUR\n)\n\nCREATE TABLE members\n(\n    member_id       INTEGER NOT NULL PRIMARY KEY,\n    first_name      TEXT    NOT NULL,\n    last_name       TEXT    NOT NULL,\n    membership_type TEXT    NOT NULL, -- 'standard', 'student' or 'senior'\n    joined_on       TEXT    NOT NULL,\n    birth_date      TEXT,\n    city            TEXT,\n    email           TEXT\n)\n\nCREATE TABLE loans\n(\n    loan_id     INTEGER PRIMARY KEY AUTOINCREMENT,\n    book_id     INTEGER NOT NULL,\n    member_id   INTEGER NOT NULL,\n    loaned_on   TEXT    NOT NULL,\n    due_on      TEXT    NOT NULL,\n    returned_on TEXT, -- NULL while the book is still out\n    fine        REAL, -- EUR 0.25 per day late, charged on return\n    FOREIGN KEY (book_id) REFERENCES books (book_id),\n    FOREIGN KEY (member_id) REFERENCES members (member_id)\n)\n\nCREATE TABLE sqlite_sequence(name,seq)"
                         *     }
                         */
                        "application/json": components["schemas"]["DatabaseSchema"];
                    };
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/model-servers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Model servers: `teacher` and `student` from the environment, then the registered ones by name */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Model servers */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "items": [
                         *         {
                         *           "name": "teacher",
                         *           "origin": "environment",
                         *           "base_url": null,
                         *           "api_key_set": false,
                         *           "default_model": "meta-llama/Llama-3.3-70B-Instruct",
                         *           "concurrency": 0,
                         *           "timeout_s": 120,
                         *           "created_at": null,
                         *           "updated_at": null
                         *         },
                         *         {
                         *           "name": "student",
                         *           "origin": "environment",
                         *           "base_url": "http://10.0.0.5:8000/v1",
                         *           "api_key_set": true,
                         *           "default_model": "meta-llama/Llama-3.1-8B-Instruct",
                         *           "concurrency": 512,
                         *           "timeout_s": 120,
                         *           "created_at": null,
                         *           "updated_at": null
                         *         },
                         *         {
                         *           "name": "second-vllm",
                         *           "origin": "api",
                         *           "base_url": "http://10.0.0.6:8000/v1",
                         *           "api_key_set": true,
                         *           "default_model": "meta-llama/Llama-3.1-8B-Instruct",
                         *           "concurrency": 64,
                         *           "timeout_s": 120,
                         *           "created_at": "2026-12-06T07:56:44.102Z",
                         *           "updated_at": "2026-12-06T07:56:44.102Z"
                         *         }
                         *       ],
                         *       "total": 3
                         *     }
                         */
                        "application/json": {
                            items: components["schemas"]["ModelServer"][];
                            total: number;
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Register an OpenAI-compatible model server (a second vLLM, a hosted API)
         * @description The server is probed first (GET <base_url>/models with the key): it must answer, and serve `default_model` when one is named. The key is stored server-side and never returned; the answer says only `api_key_set`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    /**
                     * @example {
                     *       "name": "llama-70b-hosted",
                     *       "base_url": "http://vllm-second:8000/v1",
                     *       "default_model": "meta-llama/Llama-3.3-70B-Instruct"
                     *     }
                     */
                    "application/json": {
                        /**
                         * @description Lower-case letters, digits, - and _ (at most 63); `teacher` and `student` are the servers of the environment
                         * @example llama-70b-hosted
                         */
                        name: string;
                        /**
                         * @description The OpenAI-compatible base URL, ending in /v1 as vLLM serves it
                         * @example http://vllm-second:8000/v1
                         */
                        base_url: string;
                        /** @description Sent as the bearer token; stored server-side, never returned or logged */
                        api_key?: string;
                        /** @description The model asked when a request names none */
                        default_model?: string;
                        /**
                         * @description Requests in flight to this server, per service process
                         * @default 16
                         */
                        concurrency: number;
                        /**
                         * @description Limit per request, seconds
                         * @default 120
                         */
                        timeout_s: number;
                    };
                };
            };
            responses: {
                /** @description Registered */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "name": "second-vllm",
                         *       "origin": "api",
                         *       "base_url": "http://10.0.0.6:8000/v1",
                         *       "api_key_set": true,
                         *       "default_model": "meta-llama/Llama-3.1-8B-Instruct",
                         *       "concurrency": 64,
                         *       "timeout_s": 120,
                         *       "created_at": "2026-12-06T07:56:44.102Z",
                         *       "updated_at": "2026-12-06T07:56:44.102Z"
                         *     }
                         */
                        "application/json": components["schemas"]["ModelServer"];
                    };
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The request is well-formed but cannot be done as asked; detail says why */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/model-servers/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One model server (never its key) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /**
                     * @description Lower-case letters, digits, - and _ (at most 63); `teacher` and `student` are the servers of the environment
                     * @example llama-70b-hosted
                     */
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The server */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "name": "second-vllm",
                         *       "origin": "api",
                         *       "base_url": "http://10.0.0.6:8000/v1",
                         *       "api_key_set": true,
                         *       "default_model": "meta-llama/Llama-3.1-8B-Instruct",
                         *       "concurrency": 64,
                         *       "timeout_s": 120,
                         *       "created_at": "2026-12-06T07:56:44.102Z",
                         *       "updated_at": "2026-12-06T07:56:44.102Z"
                         *     }
                         */
                        "application/json": components["schemas"]["ModelServer"];
                    };
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Remove a registered server (idempotent; 409 while a running evaluation asks it) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /**
                     * @description Lower-case letters, digits, - and _ (at most 63); `teacher` and `student` are the servers of the environment
                     * @example llama-70b-hosted
                     */
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Removed (or was not there) */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a registered server (a changed URL, key or default model is probed again) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /**
                     * @description Lower-case letters, digits, - and _ (at most 63); `teacher` and `student` are the servers of the environment
                     * @example llama-70b-hosted
                     */
                    name: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    /**
                     * @example {
                     *       "default_model": "meta-llama/Llama-3.3-70B-Instruct"
                     *     }
                     */
                    "application/json": {
                        /**
                         * @description The OpenAI-compatible base URL, ending in /v1 as vLLM serves it
                         * @example http://vllm-second:8000/v1
                         */
                        base_url?: string;
                        /** @description A new key, or null to send none */
                        api_key?: string | null;
                        default_model?: string | null;
                        /** @description Requests in flight to this server, per service process */
                        concurrency?: number;
                        /** @description Limit per request, seconds */
                        timeout_s?: number;
                    };
                };
            };
            responses: {
                /** @description The server as changed */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "name": "second-vllm",
                         *       "origin": "api",
                         *       "base_url": "http://10.0.0.6:8000/v1",
                         *       "api_key_set": true,
                         *       "default_model": "meta-llama/Llama-3.1-8B-Instruct",
                         *       "concurrency": 64,
                         *       "timeout_s": 120,
                         *       "created_at": "2026-12-06T07:56:44.102Z",
                         *       "updated_at": "2026-12-06T07:56:44.102Z"
                         *     }
                         */
                        "application/json": components["schemas"]["ModelServer"];
                    };
                };
                /** @description The request is invalid; detail names the field or item */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The request is well-formed but cannot be done as asked; detail says why */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Bytes per kind and per item (datasets, adapters, models, training runs, downloads, evaluations, state DBs, NATS store) and the free space of DATA_DIR
         * @description Delete what you no longer need with the DELETE routes of each kind; `data_dir.low` turns true below T2S_MIN_FREE_MB.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Disk usage */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "data_dir": {
                         *         "free_bytes": 81995587584,
                         *         "total_bytes": 270553174016,
                         *         "min_free_bytes": 104857600,
                         *         "low": false
                         *       },
                         *       "kinds": [
                         *         {
                         *           "kind": "datasets",
                         *           "bytes": 66580,
                         *           "items": [
                         *             {
                         *               "id": "ds_mxbjsjyq4e5f720ab73d",
                         *               "bytes": 66580
                         *             }
                         *           ],
                         *           "note": null
                         *         },
                         *         {
                         *           "kind": "adapters",
                         *           "bytes": 2150,
                         *           "items": [
                         *             {
                         *               "id": "demo-sft",
                         *               "bytes": 2150
                         *             }
                         *           ],
                         *           "note": null
                         *         },
                         *         {
                         *           "kind": "models",
                         *           "bytes": 0,
                         *           "items": [],
                         *           "note": null
                         *         },
                         *         {
                         *           "kind": "training_runs",
                         *           "bytes": 1051,
                         *           "items": [
                         *             {
                         *               "id": "tj_mxbjslsfde5218045f62",
                         *               "bytes": 1051
                         *             }
                         *           ],
                         *           "note": null
                         *         },
                         *         {
                         *           "kind": "downloads",
                         *           "bytes": 0,
                         *           "items": [],
                         *           "note": null
                         *         },
                         *         {
                         *           "kind": "state_dbs",
                         *           "bytes": 1169528,
                         *           "items": [
                         *             {
                         *               "id": "dataset",
                         *               "bytes": 568376
                         *             },
                         *             {
                         *               "id": "trainer",
                         *               "bytes": 312936
                         *             },
                         *             {
                         *               "id": "evaluator",
                         *               "bytes": 288216
                         *             }
                         *           ],
                         *           "note": null
                         *         },
                         *         {
                         *           "kind": "nats_store",
                         *           "bytes": 24780,
                         *           "items": [
                         *             {
                         *               "id": "KV_t2s_jobs",
                         *               "bytes": 14673
                         *             },
                         *             {
                         *               "id": "T2S_EVENTS",
                         *               "bytes": 10107
                         *             },
                         *             {
                         *               "id": "KV_t2s_model_servers",
                         *               "bytes": 0
                         *             },
                         *             {
                         *               "id": "T2S_WORK",
                         *               "bytes": 0
                         *             }
                         *           ],
                         *           "note": null
                         *         },
                         *         {
                         *           "kind": "evaluations",
                         *           "bytes": 1682,
                         *           "items": [
                         *             {
                         *               "id": "ev_mxbjskhxf73a9045df8b",
                         *               "bytes": 871
                         *             },
                         *             {
                         *               "id": "ev_mxbjskoq90d3af8474b8",
                         *               "bytes": 811
                         *             }
                         *           ],
                         *           "note": "rows inside the evaluator state DB (counted there too)"
                         *         }
                         *       ],
                         *       "total_bytes": 1264089
                         *     }
                         */
                        "application/json": {
                            data_dir: {
                                /** @description Free space of the file system that holds DATA_DIR */
                                free_bytes: number | null;
                                total_bytes: number | null;
                                /** @description T2S_MIN_FREE_MB: below it readiness warns and jobs that write refuse to start */
                                min_free_bytes: number;
                                /** @description free_bytes is below min_free_bytes */
                                low: boolean;
                            };
                            kinds: {
                                kind: "datasets" | "adapters" | "models" | "training_runs" | "downloads" | "evaluations" | "state_dbs" | "nats_store";
                                bytes: number;
                                /** @description Largest first, at most 100 */
                                items: {
                                    id: string;
                                    bytes: number;
                                }[];
                                /** @description Why the figure is missing or partial */
                                note: string | null;
                            }[];
                            /** @description Sum of the kinds (evaluations are rows inside the evaluator state DB: counted there, shown apart) */
                            total_bytes: number;
                        };
                    };
                };
                /** @description Missing or invalid bearer key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit reached; retry after the retry-after header */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A service or model server the request needs is not available */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Problem: {
            /** @description A URI naming the kind of problem */
            type: string;
            title: string;
            status: number;
            /** @description What went wrong, naming the field or item at fault */
            detail: string;
            instance?: string;
        };
        Job: {
            id: string;
            /** @description Job kind, e.g. dataset.sft, evaluation.run */
            kind: string;
            service: string;
            status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
            progress: {
                done: number;
                total: number | null;
                /** @description What is counted: items, questions, steps, bytes */
                unit: string;
            };
            resource: {
                type: string;
                id: string;
            } | null;
            result: {
                [key: string]: unknown;
            } | null;
            error: string | null;
            /** @description What the job was asked to do */
            params: {
                [key: string]: unknown;
            };
            /** @description How many times a worker started it */
            attempts: number;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            started_at: string | null;
            finished_at: string | null;
        };
        Source: {
            id: string;
            name: string;
            /** @description The questions path as registered */
            questions: string;
            /** @description The databases folder as registered */
            databases: string;
            question_count: number;
            database_count: number;
            db_ids: string[];
            difficulty_counts: {
                simple: number;
                moderate: number;
                challenging: number;
                /** @description Questions without a difficulty (e.g. BIRD train) */
                unknown: number;
            };
            questions_sha256: string;
            /** Format: date-time */
            created_at: string;
        };
        Question: {
            /** @description Position in the questions file (what BIRD pairs predictions by) */
            index: number;
            question_id: number | null;
            db_id: string;
            question: string;
            evidence: string;
            /** @description Gold SQL, as written in the file */
            sql: string;
            difficulty: ("simple" | "moderate" | "challenging") | null;
        };
        Evaluation: {
            id: string;
            job_id: string;
            status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
            source: {
                id: string;
                name: string;
            };
            /** @description The served model asked, or null for a predictions file */
            model: string | null;
            /** @description The model server asked (GET /v1/model-servers), or null for a predictions file */
            server: string | null;
            /** @description The request options, defaults filled in */
            options: {
                [key: string]: unknown;
            };
            /** @description Execution accuracy, 0-100, by difficulty (questions without one count in total only) */
            ex: {
                simple: number;
                moderate: number;
                challenging: number;
                total: number;
            };
            /** @description Mini-Dev's Soft-F1, 0-100, by difficulty */
            soft_f1: {
                simple: number;
                moderate: number;
                challenging: number;
                total: number;
            };
            counts: {
                simple: number;
                moderate: number;
                challenging: number;
                unknown: number;
                /** @description Questions scored so far */
                total: number;
                /** @description Questions in this evaluation */
                planned: number;
            };
            statuses: {
                correct: number;
                wrong_result: number;
                pred_error: number;
                pred_timeout: number;
                rejected: number;
                no_sql: number;
                gold_error: number;
                gold_timeout: number;
                llm_error: number;
            };
            /** @description Questions whose gold result came from the cache (no gold query run) */
            gold_cache_hits: number;
            timing: {
                /** Format: date-time */
                created_at: string;
                started_at: string | null;
                finished_at: string | null;
                /** @description From the start of the job to its end (or to now) */
                wall_s: number | null;
                questions_per_s: number | null;
                latency_ms_p50: number | null;
                latency_ms_p95: number | null;
                prompt_tokens: number;
                completion_tokens: number;
            };
            /** @description What produced it: source digest, database digests, prompt version, scorer version */
            manifest: {
                [key: string]: unknown;
            };
            error: string | null;
        };
        Dataset: {
            id: string;
            kind: "sft" | "cot";
            status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
            job_id: string;
            source: {
                id: string;
                name: string;
            };
            /** @description The request, with defaults filled in */
            params: {
                [key: string]: unknown;
            };
            prompt: {
                preset: string;
                version: string;
                options: {
                    [key: string]: unknown;
                };
            };
            counts: {
                questions: number;
                kept: number;
                dropped: number;
                train: number;
                test: number;
            } | null;
            /** @description Questions left out, with the reason */
            dropped: {
                index: number;
                question_id: number | null;
                db_id: string;
                reason: string;
                detail?: string;
            }[];
            token_stats: {
                train: {
                    examples: number;
                    tokens_mean: number;
                    tokens_p50: number;
                    tokens_p95: number;
                    tokens_max: number;
                    /** @description Examples longer than 4,096 Llama 3 tokens (the recipe trains at 4,096) */
                    over_4096: number;
                    /** @description Token-length histogram (datasets built before it was added have none) */
                    histogram?: {
                        /** @description Tokens per bin (128) */
                        bin_width: number;
                        /** @description counts[i]: examples of length in [i × bin_width, (i + 1) × bin_width) */
                        counts: number[];
                    };
                };
                test: {
                    examples: number;
                    tokens_mean: number;
                    tokens_p50: number;
                    tokens_p95: number;
                    tokens_max: number;
                    /** @description Examples longer than 4,096 Llama 3 tokens (the recipe trains at 4,096) */
                    over_4096: number;
                    /** @description Token-length histogram (datasets built before it was added have none) */
                    histogram?: {
                        /** @description Tokens per bin (128) */
                        bin_width: number;
                        /** @description counts[i]: examples of length in [i × bin_width, (i + 1) × bin_width) */
                        counts: number[];
                    };
                };
                budget?: number;
                over_budget?: number;
            } | null;
            /** @description Kind-specific counters (sft: gold_check {executed, cached} and over-budget examples; cot: teacher calls, tokens, cache hits, dropped by reason) */
            stats: {
                [key: string]: unknown;
            };
            files: {
                [key: string]: {
                    lines: number;
                    bytes: number;
                    sha256: string;
                };
            };
            /** @description What produced it: source digest, options, prompt and code version */
            manifest: {
                [key: string]: unknown;
            };
            error: string | null;
            /** Format: date-time */
            created_at: string;
            finished_at: string | null;
        };
        SqlResult: {
            /** @description ok; error (SQLite refused or failed it); timeout (killed at its deadline); rejected (not a single read-only query, never executed) */
            status: "ok" | "error" | "timeout" | "rejected";
            columns: string[];
            /** @description Values as JSON: integers beyond 2^53 as decimal strings, BLOBs as {"base64": …} */
            rows: unknown[][];
            /** @description More rows existed than were returned: see truncated_reason */
            truncated: boolean;
            /** @description max_rows: the row cap; max_bytes: the result passed the size one reply may carry */
            truncated_reason?: "max_rows" | "max_bytes";
            error?: string;
            elapsed_ms: number;
        };
        TrainingJob: {
            id: string;
            job_id: string;
            status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
            adapter_name: string;
            dataset: string;
            base_model: string;
            method: string;
            /** @description As requested; what is left out takes the trainer default */
            hyperparameters: {
                [key: string]: unknown;
            };
            /** @description The trainer configuration file of the run (paths relative to DATA_DIR) */
            config: {
                [key: string]: unknown;
            };
            progress: {
                step: number;
                total_steps: number | null;
                epoch: number | null;
            };
            /** @description The logged optimizer steps, at most 1,000 of them evenly spread (the first and last always in); a resumed run replaces the steps after its checkpoint */
            loss: {
                step: number;
                epoch: number | null;
                loss: number | null;
                lr: number | null;
                grad_norm: number | null;
                tokens_per_s: number | null;
                gpu_mem_gb: number | null;
                /** Format: date-time */
                time: string;
                reward_mean?: number | null;
                reward_std?: number | null;
                accuracy?: number | null;
                zero_std_groups?: number | null;
                kl?: number | null;
                clip_fraction?: number | null;
                completion_len?: number | null;
                rollout_tokens_per_s?: number | null;
                train_tokens_per_s?: number | null;
            }[];
            /** @description How many steps were logged in all */
            loss_points: number;
            throughput: {
                tokens_per_s_mean: number | null;
                tokens_per_s_last: number | null;
                gpu_mem_gb_peak: number | null;
                world_size: number | null;
            } | null;
            run: {
                /** @description Trainer processes started for this job */
                attempts: number;
                /** @description Checkpoint step the latest trainer process resumed from */
                resumed_from_step: number | null;
                /** @description Step of the latest complete checkpoint */
                checkpoint_step: number | null;
                /** @description How the latest trainer process ended: done, error, cancelled, killed, … */
                stopped: string | null;
                /** @description What the trainer reported at start: examples, rows, trainable parameters, steps per epoch… */
                info: {
                    [key: string]: unknown;
                };
            };
            artifacts: {
                kind: "adapter" | "model" | null;
                /** @description The published folder, relative to DATA_DIR */
                path: string | null;
                files: {
                    [key: string]: {
                        bytes: number;
                        sha256: string;
                    };
                };
                /** @description Set once the student vLLM accepted the adapter (POST /v1/load_lora_adapter) */
                loaded: {
                    server: string;
                    lora_name: string;
                    lora_path: string;
                    message: string;
                } | null;
                /** @description Why the result was not announced, when it was not */
                note: string | null;
            };
            /** @description What produced the result: dataset file digest, base model, method, configuration, trainer */
            manifest: {
                [key: string]: unknown;
            } | null;
            error: string | null;
            /** Format: date-time */
            created_at: string;
            started_at: string | null;
            finished_at: string | null;
        };
        DatabaseSchema: {
            source_id: string;
            db_id: string;
            /** @description The prompt version these options render under, e.g. cookbook-1+rows3+desc */
            prompt_version: string;
            sample_rows: number;
            column_descriptions: boolean;
            /** @description Whether the database has a database_description folder */
            has_descriptions: boolean;
            /** @description The schema text exactly as it goes into the prompt after "-- DB Schema: " */
            schema: string;
        };
        Comparison: {
            ids: string[];
            source: {
                id: string;
                name: string;
            };
            /** @description Questions each evaluation covers */
            questions: number;
            /** @description Questions scored in every evaluation: the figures are over these */
            compared: number;
            /** @description True while an evaluation is unfinished, failed or cancelled: figures cover the questions scored so far */
            partial: boolean;
            /** @description How the intervals and the test are computed */
            method: {
                confidence: number;
                ex_interval: string;
                soft_f1_interval: string;
                difference_interval: string;
                test: string;
                resamples: number;
                seed: number;
            };
            evaluations: {
                id: string;
                status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
                model: string | null;
                scored: number;
                planned: number;
                partial: boolean;
                /** @description By difficulty; questions without one count in total only */
                buckets: {
                    simple: {
                        /** @description Questions compared in this bucket */
                        n: number;
                        correct: number;
                        /** @description EX with its Wilson interval */
                        ex: {
                            /** @description Point estimate in percent (null: no question in this bucket) */
                            value: number | null;
                            /** @description Lower end of the 95 % interval */
                            low: number | null;
                            /** @description Upper end of the 95 % interval */
                            high: number | null;
                        };
                        /** @description Soft-F1 with its percentile-bootstrap interval */
                        soft_f1: {
                            /** @description Point estimate in percent (null: no question in this bucket) */
                            value: number | null;
                            /** @description Lower end of the 95 % interval */
                            low: number | null;
                            /** @description Upper end of the 95 % interval */
                            high: number | null;
                        };
                    };
                    moderate: {
                        /** @description Questions compared in this bucket */
                        n: number;
                        correct: number;
                        /** @description EX with its Wilson interval */
                        ex: {
                            /** @description Point estimate in percent (null: no question in this bucket) */
                            value: number | null;
                            /** @description Lower end of the 95 % interval */
                            low: number | null;
                            /** @description Upper end of the 95 % interval */
                            high: number | null;
                        };
                        /** @description Soft-F1 with its percentile-bootstrap interval */
                        soft_f1: {
                            /** @description Point estimate in percent (null: no question in this bucket) */
                            value: number | null;
                            /** @description Lower end of the 95 % interval */
                            low: number | null;
                            /** @description Upper end of the 95 % interval */
                            high: number | null;
                        };
                    };
                    challenging: {
                        /** @description Questions compared in this bucket */
                        n: number;
                        correct: number;
                        /** @description EX with its Wilson interval */
                        ex: {
                            /** @description Point estimate in percent (null: no question in this bucket) */
                            value: number | null;
                            /** @description Lower end of the 95 % interval */
                            low: number | null;
                            /** @description Upper end of the 95 % interval */
                            high: number | null;
                        };
                        /** @description Soft-F1 with its percentile-bootstrap interval */
                        soft_f1: {
                            /** @description Point estimate in percent (null: no question in this bucket) */
                            value: number | null;
                            /** @description Lower end of the 95 % interval */
                            low: number | null;
                            /** @description Upper end of the 95 % interval */
                            high: number | null;
                        };
                    };
                    total: {
                        /** @description Questions compared in this bucket */
                        n: number;
                        correct: number;
                        /** @description EX with its Wilson interval */
                        ex: {
                            /** @description Point estimate in percent (null: no question in this bucket) */
                            value: number | null;
                            /** @description Lower end of the 95 % interval */
                            low: number | null;
                            /** @description Upper end of the 95 % interval */
                            high: number | null;
                        };
                        /** @description Soft-F1 with its percentile-bootstrap interval */
                        soft_f1: {
                            /** @description Point estimate in percent (null: no question in this bucket) */
                            value: number | null;
                            /** @description Lower end of the 95 % interval */
                            low: number | null;
                            /** @description Upper end of the 95 % interval */
                            high: number | null;
                        };
                    };
                };
            }[];
            /** @description Every pair of the listed evaluations, in list order: b compared with a */
            pairs: {
                a: string;
                b: string;
                /** @description By difficulty; questions without one count in total only */
                buckets: {
                    simple: {
                        n: number;
                        both_right: number;
                        both_wrong: number;
                        /** @description Correct in a, wrong in b */
                        right_to_wrong: number;
                        /** @description Wrong in a, correct in b */
                        wrong_to_right: number;
                        /** @description EX of b minus EX of a, in points, with its paired-bootstrap interval */
                        ex_diff: {
                            /** @description Point estimate in percent (null: no question in this bucket) */
                            value: number | null;
                            /** @description Lower end of the 95 % interval */
                            low: number | null;
                            /** @description Upper end of the 95 % interval */
                            high: number | null;
                        };
                        /** @description Soft-F1 of b minus Soft-F1 of a, in points, with its paired-bootstrap interval */
                        soft_f1_diff: {
                            /** @description Point estimate in percent (null: no question in this bucket) */
                            value: number | null;
                            /** @description Lower end of the 95 % interval */
                            low: number | null;
                            /** @description Upper end of the 95 % interval */
                            high: number | null;
                        };
                        /** @description Two-sided exact McNemar p-value on the discordant pairs (1 when there are none) */
                        mcnemar_p: number;
                    };
                    moderate: {
                        n: number;
                        both_right: number;
                        both_wrong: number;
                        /** @description Correct in a, wrong in b */
                        right_to_wrong: number;
                        /** @description Wrong in a, correct in b */
                        wrong_to_right: number;
                        /** @description EX of b minus EX of a, in points, with its paired-bootstrap interval */
                        ex_diff: {
                            /** @description Point estimate in percent (null: no question in this bucket) */
                            value: number | null;
                            /** @description Lower end of the 95 % interval */
                            low: number | null;
                            /** @description Upper end of the 95 % interval */
                            high: number | null;
                        };
                        /** @description Soft-F1 of b minus Soft-F1 of a, in points, with its paired-bootstrap interval */
                        soft_f1_diff: {
                            /** @description Point estimate in percent (null: no question in this bucket) */
                            value: number | null;
                            /** @description Lower end of the 95 % interval */
                            low: number | null;
                            /** @description Upper end of the 95 % interval */
                            high: number | null;
                        };
                        /** @description Two-sided exact McNemar p-value on the discordant pairs (1 when there are none) */
                        mcnemar_p: number;
                    };
                    challenging: {
                        n: number;
                        both_right: number;
                        both_wrong: number;
                        /** @description Correct in a, wrong in b */
                        right_to_wrong: number;
                        /** @description Wrong in a, correct in b */
                        wrong_to_right: number;
                        /** @description EX of b minus EX of a, in points, with its paired-bootstrap interval */
                        ex_diff: {
                            /** @description Point estimate in percent (null: no question in this bucket) */
                            value: number | null;
                            /** @description Lower end of the 95 % interval */
                            low: number | null;
                            /** @description Upper end of the 95 % interval */
                            high: number | null;
                        };
                        /** @description Soft-F1 of b minus Soft-F1 of a, in points, with its paired-bootstrap interval */
                        soft_f1_diff: {
                            /** @description Point estimate in percent (null: no question in this bucket) */
                            value: number | null;
                            /** @description Lower end of the 95 % interval */
                            low: number | null;
                            /** @description Upper end of the 95 % interval */
                            high: number | null;
                        };
                        /** @description Two-sided exact McNemar p-value on the discordant pairs (1 when there are none) */
                        mcnemar_p: number;
                    };
                    total: {
                        n: number;
                        both_right: number;
                        both_wrong: number;
                        /** @description Correct in a, wrong in b */
                        right_to_wrong: number;
                        /** @description Wrong in a, correct in b */
                        wrong_to_right: number;
                        /** @description EX of b minus EX of a, in points, with its paired-bootstrap interval */
                        ex_diff: {
                            /** @description Point estimate in percent (null: no question in this bucket) */
                            value: number | null;
                            /** @description Lower end of the 95 % interval */
                            low: number | null;
                            /** @description Upper end of the 95 % interval */
                            high: number | null;
                        };
                        /** @description Soft-F1 of b minus Soft-F1 of a, in points, with its paired-bootstrap interval */
                        soft_f1_diff: {
                            /** @description Point estimate in percent (null: no question in this bucket) */
                            value: number | null;
                            /** @description Lower end of the 95 % interval */
                            low: number | null;
                            /** @description Upper end of the 95 % interval */
                            high: number | null;
                        };
                        /** @description Two-sided exact McNemar p-value on the discordant pairs (1 when there are none) */
                        mcnemar_p: number;
                    };
                };
            }[];
        };
        ModelServer: {
            name: string;
            /** @description environment: TEACHER_* / STUDENT_* (read-only here); api: registered through this API */
            origin: "environment" | "api";
            /** @description null for an environment server left unset */
            base_url: string | null;
            /** @description Whether a key is stored (the key itself is never returned) */
            api_key_set: boolean;
            default_model: string | null;
            concurrency: number;
            timeout_s: number;
            created_at: string | null;
            updated_at: string | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
