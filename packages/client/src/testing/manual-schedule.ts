import type { Schedule } from '../reconnect/schedule.js';

interface Task {
  run: () => void;
  delay: number;
  cancelled: boolean;
}

/** A Schedule whose timers run only when the test says so: time does not pass by itself. */
export function manualSchedule(): { schedule: Schedule; delays(): number[]; runNext(): number } {
  const tasks: Task[] = [];
  const live = () => tasks.filter((task) => !task.cancelled);
  return {
    schedule(run, delay) {
      const task = { run, delay, cancelled: false };
      tasks.push(task);
      return () => {
        task.cancelled = true;
      };
    },
    /** Delays of the timers still waiting, in the order they were set. */
    delays: () => live().map((task) => task.delay),
    /** Runs the shortest waiting timer and returns its delay. */
    runNext() {
      const next = live().sort((a, b) => a.delay - b.delay)[0];
      if (!next) throw new Error('no timer is waiting');
      next.cancelled = true;
      next.run();
      return next.delay;
    },
  };
}
