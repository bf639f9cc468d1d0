/** Flags the pipeline reads on any command line; commands never see them. */
export const GLOBAL_FLAGS: readonly string[] = ['json', 'public'];

export const isGlobalFlag = (flag: string): boolean => GLOBAL_FLAGS.includes(flag);
