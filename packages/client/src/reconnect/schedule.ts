/**
 * Runs `task` after `delay` ms and returns a function that cancels it. The client takes one
 * as an option so that tests can step its timers by hand.
 */
export type Schedule = (task: () => void, delay: number) => () => void;

/** The default Schedule: setTimeout. */
export const scheduleTimeout: Schedule = (task, delay) => {
  const timer = setTimeout(task, delay);
  return () => clearTimeout(timer);
};
