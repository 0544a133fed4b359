-- Model-search studies shared by many workers on many nodes, and their trials. Plain SQL that SQLite and PostgreSQL
-- both accept. Times are epoch milliseconds (UTC); config and params are JSON.

-- A study: its settings (space, sampler, scheduler, metric, trial count, data) as JSON. lock_seq is bumped by every
-- transaction that hands out or finishes a trial, so that such transactions on one study run one at a time.
CREATE TABLE studies (
    name       VARCHAR(128) PRIMARY KEY,
    created_at BIGINT       NOT NULL,
    config     TEXT         NOT NULL,
    lock_seq   BIGINT       NOT NULL DEFAULT 0
);

-- A trial: its parameters, state (WAITING, RUNNING, COMPLETE, PRUNED, FAILED), final value, the run that trains it,
-- which worker holds it and when that worker last beat its heart.
CREATE TABLE trials (
    study      VARCHAR(128) NOT NULL REFERENCES studies (name) ON DELETE CASCADE,
    number     INTEGER      NOT NULL,
    state      VARCHAR(16)  NOT NULL,
    params     TEXT         NOT NULL,
    value      DOUBLE PRECISION,
    run_id     VARCHAR(64),
    worker     VARCHAR(255),
    attempts   INTEGER      NOT NULL,
    heartbeat  BIGINT,
    created_at BIGINT       NOT NULL,
    started_at BIGINT,
    ended_at   BIGINT,
    epochs     INTEGER      NOT NULL DEFAULT 0,
    message    TEXT,
    PRIMARY KEY (study, number)
);

-- The values a trial reported along the way (validation metric per epoch), for the schedulers and the plots.
CREATE TABLE trial_values (
    study  VARCHAR(128)     NOT NULL,
    number INTEGER          NOT NULL,
    step   INTEGER          NOT NULL,
    value  DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (study, number, step),
    FOREIGN KEY (study, number) REFERENCES trials (study, number) ON DELETE CASCADE
);
