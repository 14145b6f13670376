/**
 * The shapes of names, shared by the fleet file's schema and the runtime (which
 * must not load zod on its hot paths to check them).
 */

/** Agent, host, template, service and fleet names: they name tmux sessions, windows and containers. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/** Environment variable names (env keys and secrets). */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
