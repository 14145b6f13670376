/** Where an agent's work went before it was deleted: printed so the user can find it. */
export interface SavedWork {
  /** `branch`: a git branch that stays in the source repo; `bundle`: a git bundle file; `archive`: a tar.gz of a plain work dir. */
  kind: "branch" | "bundle" | "archive";
  /** A branch name (`repo` in the description) or an absolute file path on the controller. */
  location: string;
  description: string;
}
