/** The commands with a bundle of their own (see only-commands.js). */
export declare const ONLY_COMMANDS: readonly string[];
/** The commands whose bundle reads a plain command line itself (see only-commands.js). */
export declare const DIRECT_COMMANDS: Readonly<Record<string, string>>;
