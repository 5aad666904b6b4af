/**
 * One line naming every variable to fix, then exit 1 (ECS shows it as the task's stopped
 * reason), instead of 500s on the first request. Skipped while `next build` runs.
 */
import { runtimeProblems } from "./lib/env";

if (process.env.NEXT_PHASE !== "phase-production-build") {
  const problems = runtimeProblems(process.env);
  if (problems.length) {
    console.error(`coko-web: cannot start: ${problems.join("; ")}`);
    process.exit(1);
  }
}
