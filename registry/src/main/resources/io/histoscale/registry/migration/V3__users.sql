-- Who may use the web dashboard and its API, their API tokens, and what they did. Plain SQL that SQLite and PostgreSQL
-- both accept. Times are epoch milliseconds (UTC).

-- A user: a role (VIEWER, RESEARCHER or ADMIN) and a password hash made by the server (Argon2id, PHC string); the
-- registry never sees a password. must_change marks a one-time password that its user should replace.
CREATE TABLE users (
    name          VARCHAR(64)  PRIMARY KEY,
    role          VARCHAR(16)  NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    created_at    BIGINT       NOT NULL,
    must_change   BOOLEAN      NOT NULL DEFAULT FALSE
);

-- An API token, known only by its SHA-256 (hex): the token itself is shown once, when it is made, and never stored.
CREATE TABLE api_tokens (
    token_hash VARCHAR(64)  PRIMARY KEY,
    user_name  VARCHAR(64)  NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    label      VARCHAR(255),
    created_at BIGINT       NOT NULL,
    last_used  BIGINT
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_name);

-- Logins, logouts and the dashboard's own actions (submit, cancel, open a slide): who, from where, what, on what,
-- and how it ended. Append-only; id grows with each entry.
CREATE TABLE audit (
    id        BIGINT       PRIMARY KEY,
    at        BIGINT       NOT NULL,
    user_name VARCHAR(64),
    address   VARCHAR(64),
    action    VARCHAR(64)  NOT NULL,
    target    TEXT,
    outcome   VARCHAR(255) NOT NULL
);
CREATE INDEX audit_by_time ON audit (at);
