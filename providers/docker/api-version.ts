/** The oldest Engine API fleet speaks (Docker 20.10, Debian bookworm's docker.io). */
export const MIN_API_VERSION = "1.41";
/** The newest Engine API fleet asks for; newer engines still serve it. */
export const MAX_API_VERSION = "1.47";
