-- Auth database (Better Auth on PostgreSQL), schema "auth", as SPEC §2.1
-- describes production. Used by `mana-auth dev up` and the tests; the tool
-- never runs it against a production database. Applying it twice is a no-op.

CREATE SCHEMA IF NOT EXISTS auth;

DO $$
BEGIN
    IF to_regtype('auth.user_role') IS NULL THEN
        CREATE TYPE auth.user_role AS ENUM ('user', 'admin', 'service');
    END IF;
    IF to_regtype('auth.access_tier') IS NULL THEN
        CREATE TYPE auth.access_tier AS ENUM ('guest', 'public', 'beta', 'alpha', 'founder');
    END IF;
    IF to_regtype('auth.user_kind') IS NULL THEN
        CREATE TYPE auth.user_kind AS ENUM ('human', 'persona', 'system');
    END IF;
END
$$;

CREATE TABLE IF NOT EXISTS auth.users (
    id                      text PRIMARY KEY,
    name                    text NOT NULL,
    email                   text NOT NULL UNIQUE,
    email_verified          boolean NOT NULL DEFAULT false,
    image                   text,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    role                    auth.user_role NOT NULL DEFAULT 'user',
    access_tier             auth.access_tier NOT NULL DEFAULT 'public',
    kind                    auth.user_kind NOT NULL DEFAULT 'human',
    two_factor_enabled      boolean DEFAULT false,
    deleted_at              timestamptz,
    onboarding_completed_at timestamptz
);

CREATE TABLE IF NOT EXISTS auth.accounts (
    id                       text PRIMARY KEY,
    account_id               text NOT NULL,
    provider_id              text NOT NULL,
    user_id                  text NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
    access_token             text,
    refresh_token            text,
    id_token                 text,
    access_token_expires_at  timestamptz,
    refresh_token_expires_at timestamptz,
    scope                    text,
    password                 text,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS accounts_user_id_idx ON auth.accounts (user_id);

CREATE TABLE IF NOT EXISTS auth.sessions (
    id                     text PRIMARY KEY,
    expires_at             timestamptz NOT NULL,
    token                  text NOT NULL UNIQUE,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    ip_address             text,
    user_agent             text,
    user_id                text NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
    active_organization_id text
);

CREATE TABLE IF NOT EXISTS auth.verification (
    id         text PRIMARY KEY,
    identifier text NOT NULL,
    value      text NOT NULL,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS auth.security_events (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    text REFERENCES auth.users (id) ON DELETE CASCADE,
    event_type text NOT NULL,
    ip_address text,
    user_agent text,
    metadata   jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS auth.organizations (
    id         text PRIMARY KEY,
    name       text NOT NULL,
    slug       text UNIQUE,
    logo       text,
    metadata   jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS auth.members (
    id              text PRIMARY KEY,
    organization_id text NOT NULL REFERENCES auth.organizations (id) ON DELETE CASCADE,
    user_id         text NOT NULL,
    role            text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS members_organization_id_idx ON auth.members (organization_id);
CREATE INDEX IF NOT EXISTS members_user_id_idx ON auth.members (user_id);

CREATE TABLE IF NOT EXISTS auth.invitations (
    id              text PRIMARY KEY,
    organization_id text NOT NULL REFERENCES auth.organizations (id) ON DELETE CASCADE,
    email           text NOT NULL,
    role            text,
    status          text NOT NULL DEFAULT 'pending',
    expires_at      timestamptz NOT NULL,
    inviter_id      text NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now()
);
