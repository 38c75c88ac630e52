-- SnapAsset generation history: one row per finished generation, one per rendered image.
-- IF NOT EXISTS everywhere, so running this script by hand a second time is harmless too.

CREATE TABLE IF NOT EXISTS generations (
    id             VARCHAR(255)             NOT NULL PRIMARY KEY,
    job_id         VARCHAR(255),
    user_id        VARCHAR(255)             NOT NULL,
    prompt         TEXT                     NOT NULL,
    revised_prompt TEXT,
    model          VARCHAR(64)              NOT NULL,
    quality        VARCHAR(64)              NOT NULL,
    style          VARCHAR(64)              NOT NULL,
    image_size     VARCHAR(16)              NOT NULL,
    provider       VARCHAR(64)              NOT NULL,
    status         VARCHAR(16)              NOT NULL DEFAULT 'completed',
    cost_usd       NUMERIC                  NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

-- "A user's latest 20, newest first": the guide's (user_id, created_at DESC), with id as the
-- tie-breaker of the keyset cursor so pages come straight off the index without a sort.
CREATE INDEX IF NOT EXISTS idx_generations_user_created
    ON generations (user_id, created_at DESC, id DESC);

-- Retention clean-up deletes the oldest first.
CREATE INDEX IF NOT EXISTS idx_generations_created
    ON generations (created_at);

CREATE TABLE IF NOT EXISTS generated_images (
    generation_id VARCHAR(255)  NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
    position      INTEGER       NOT NULL,
    platform_id   VARCHAR(64)   NOT NULL,
    platform_name VARCHAR(255)  NOT NULL,
    width         INTEGER       NOT NULL CHECK (width > 0),
    height        INTEGER       NOT NULL CHECK (height > 0),
    format        VARCHAR(16)   NOT NULL,
    byte_size     BIGINT        NOT NULL CHECK (byte_size >= 0),
    storage_key   VARCHAR(1024) NOT NULL,
    url           TEXT          NOT NULL,
    PRIMARY KEY (generation_id, position)
);
