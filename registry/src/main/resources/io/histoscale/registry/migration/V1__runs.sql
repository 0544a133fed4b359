-- One row per run of tile, train, stage, federate or a search trial. Plain SQL that SQLite and PostgreSQL both accept.
-- Times are epoch milliseconds (UTC); command and config are JSON.
CREATE TABLE runs (
    id           VARCHAR(64)  PRIMARY KEY,
    kind         VARCHAR(64)  NOT NULL,
    command      TEXT         NOT NULL,
    config       TEXT         NOT NULL,
    status       VARCHAR(16)  NOT NULL,
    created_at   BIGINT       NOT NULL,
    started_at   BIGINT,
    ended_at     BIGINT,
    executor     VARCHAR(16)  NOT NULL,
    job_id       VARCHAR(64),
    host         VARCHAR(255),
    work_dir     TEXT,
    log_path     TEXT,
    metrics_file TEXT,
    exit_code    INTEGER,
    message      TEXT
);
CREATE INDEX runs_by_time ON runs (created_at);

-- Final figures of a run (best validation AUC, patches, …), one row per name, for `runs compare`.
CREATE TABLE run_metrics (
    run_id VARCHAR(64)  NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    name   VARCHAR(128) NOT NULL,
    value  DOUBLE PRECISION,
    PRIMARY KEY (run_id, name)
);

-- Files a run produced (model, metrics, report, store).
CREATE TABLE run_artefacts (
    run_id VARCHAR(64)  NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    name   VARCHAR(128) NOT NULL,
    path   TEXT         NOT NULL,
    PRIMARY KEY (run_id, name)
);

-- Array tasks of a run (job-array tiling): each task's job, state, attempts and log.
CREATE TABLE run_tasks (
    run_id    VARCHAR(64) NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    task      INTEGER     NOT NULL,
    job_id    VARCHAR(64),
    status    VARCHAR(16) NOT NULL,
    attempts  INTEGER     NOT NULL,
    exit_code INTEGER,
    log_path  TEXT,
    message   TEXT,
    PRIMARY KEY (run_id, task)
);
