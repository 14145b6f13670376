// The commands with a bundle of their own (scripts/bundle.ts says why), shared by
// bin/fleet.js, which loads them, and the build, which makes them.
export const ONLY_COMMANDS = ["create", "exec", "message", "destroy"];
