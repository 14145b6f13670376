/** The commands with a bundle of their own (see only-commands.js). */
export declare const ONLY_COMMANDS: readonly string[];
