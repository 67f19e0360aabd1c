-- CacheLab schema. MySQL 8 dialect kept to what H2 2.x in MySQL mode also runs, so the default
-- in-memory profile and a real MySQL start from the very same file. Idempotent on purpose:
-- H2 replays it on every start.

CREATE TABLE IF NOT EXISTS article (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  title       VARCHAR(200) NOT NULL,
  summary     VARCHAR(500) NOT NULL DEFAULT '',
  content     TEXT         NOT NULL,
  author      VARCHAR(64)  NOT NULL,
  view_count  BIGINT       NOT NULL DEFAULT 0,
  like_count  BIGINT       NOT NULL DEFAULT 0,
  -- 1 published, 0 draft
  status      TINYINT      NOT NULL DEFAULT 1,
  created_at  DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at  DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE IF NOT EXISTS app_user (
  id          BIGINT      NOT NULL AUTO_INCREMENT,
  phone       VARCHAR(20) NOT NULL,
  nickname    VARCHAR(64) NOT NULL,
  -- USER or ADMIN
  role        VARCHAR(16) NOT NULL DEFAULT 'USER',
  created_at  DATETIME    NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY uk_app_user_phone (phone)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE IF NOT EXISTS coupon (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  title           VARCHAR(200) NOT NULL,
  stock           INT          NOT NULL,
  begin_at        DATETIME     NOT NULL,
  end_at          DATETIME     NOT NULL,
  per_user_limit  INT          NOT NULL DEFAULT 1,
  -- optimistic lock for stock decrements
  version         INT          NOT NULL DEFAULT 0,
  created_at      DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at      DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- claim_no is the id the API answered with (202) before the row existed; (coupon_id, user_id) is the
-- idempotency key: a redelivered claim hits it and counts as done.
CREATE TABLE IF NOT EXISTS coupon_claim (
  id          BIGINT      NOT NULL AUTO_INCREMENT,
  claim_no    VARCHAR(64) NOT NULL,
  coupon_id   BIGINT      NOT NULL,
  user_id     BIGINT      NOT NULL,
  status      VARCHAR(16) NOT NULL DEFAULT 'CLAIMED',
  created_at  DATETIME    NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY uk_coupon_claim_coupon_user (coupon_id, user_id),
  UNIQUE KEY uk_coupon_claim_no (claim_no),
  KEY idx_coupon_claim_user (user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- claims that kept failing after cachelab.claims.max-deliveries tries; kept for a person to look at
CREATE TABLE IF NOT EXISTS claim_dead_letter (
  id          BIGINT        NOT NULL AUTO_INCREMENT,
  claim_no    VARCHAR(64)   NOT NULL,
  coupon_id   BIGINT        NOT NULL,
  user_id     BIGINT        NOT NULL,
  deliveries  INT           NOT NULL,
  source      VARCHAR(16)   NOT NULL,
  error       VARCHAR(1000) NOT NULL DEFAULT '',
  created_at  DATETIME      NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY uk_claim_dead_letter_no (claim_no)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
