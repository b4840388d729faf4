// The one cron file Strata owns (e.g. /etc/cron.d/strata-<system>): every job as a cron.d line with a user.
import type { ResolvedPolicy } from '../model/policy-model.js';
import { cronToOnCalendar, splitCron } from './cron-to-oncalendar.js';
import { escapeCronCommand, quoteShellArg } from './quote.js';
import { tidyText, type RenderedFile } from './rendered-file.js';
import { LOCKED_EXIT_CODE, type ScheduledJob } from './scheduled-jobs.js';
import { renderTemplate } from './templates.js';

const DEFAULT_USER = 'root';

/** The shell command of one entry: export the environment file if present, then exec strata. */
function cronCommand(job: ScheduledJob, environmentFile: string | undefined): string {
  const run = `exec ${job.command.map(quoteShellArg).join(' ')}`;
  if (!environmentFile) return escapeCronCommand(run);
  const file = quoteShellArg(environmentFile);
  // set -a exports what the file assigns, as systemd's EnvironmentFile= would.
  return escapeCronCommand(`set -a; [ ! -r ${file} ] || . ${file}; set +a; ${run}`);
}

export function renderCronFile(
  policy: ResolvedPolicy,
  jobs: readonly ScheduledJob[],
  cronFile: string,
  templatesDir?: string,
): RenderedFile {
  const { environmentFile } = policy.scheduler;
  const user = policy.scheduler.user || DEFAULT_USER;
  if (/\s/.test(user)) throw new Error(`cron user ${JSON.stringify(user)} contains whitespace`);
  const groups: { timezone: string; entries: { category: string; title: string; origin: string; line: string }[] }[] = [];
  for (const job of jobs) {
    cronToOnCalendar(job.cron, job.timezone); // validates the expression: a bad one must not reach cron
    const schedule = splitCron(job.cron).join(' ');
    const entry = {
      category: job.category,
      title: job.title,
      origin: job.origin,
      line: `${schedule} ${user}  ${cronCommand(job, environmentFile)}`,
    };
    const last = groups[groups.length - 1];
    if (last && last.timezone === job.timezone) last.entries.push(entry);
    else groups.push({ timezone: job.timezone, entries: [entry] });
  }
  const content = renderTemplate(
    'cron.hbs',
    { system: policy.system, lockedExit: LOCKED_EXIT_CODE, environmentFile, groups },
    templatesDir,
  );
  return { path: cronFile, content: tidyText(content) };
}
