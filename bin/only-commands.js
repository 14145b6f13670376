// The commands with a bundle of their own (scripts/bundle.ts says why), shared by
// bin/fleet.js, which loads them, and the build, which makes them.
export const ONLY_COMMANDS = ["exec", "message", "destroy"];
/** Commands whose bundle runs a plain command line without commander: dist/bundle/NAME/index.js. */
export const DIRECT_COMMANDS = { list: "list", ls: "list", create: "create" };
