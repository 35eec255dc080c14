/** SQL shared by the XOps readers (not re-exported): events in the environments bound as `{envs:Array(String)}` (lower case; all when empty). */
export const ENVIRONMENTS = '(length({envs:Array(String)}) = 0 OR has({envs:Array(String)}, lower(Environment)))';
