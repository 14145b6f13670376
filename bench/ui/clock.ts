export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wall-clock ms with sub-ms resolution, comparable with the page's timeOrigin + now(). */
export const wallNow = () => performance.timeOrigin + performance.now();
