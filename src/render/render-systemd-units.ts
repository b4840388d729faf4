// One .service and one .timer per scheduled job. Units are Type=oneshot services started by timers.
import { posix } from 'node:path';
import type { ResolvedPolicy } from '../model/policy-model.js';
import { cronToOnCalendar } from './cron-to-oncalendar.js';
import { escapeSystemdValue, quoteSystemdArg } from './quote.js';
import { tidyText, type RenderedFile } from './rendered-file.js';
import { LOCKED_EXIT_CODE, type ScheduledJob } from './scheduled-jobs.js';
import { renderTemplate } from './templates.js';

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export function renderSystemdUnits(
  policy: ResolvedPolicy,
  jobs: readonly ScheduledJob[],
  unitDir: string,
  templatesDir?: string,
): RenderedFile[] {
  const { environmentFile, user } = policy.scheduler;
  const files: RenderedFile[] = [];
  for (const job of jobs) {
    const service = `${job.unitName}.service`;
    const timer = `${job.unitName}.timer`;
    const description = escapeSystemdValue(`Strata ${job.title} of ${policy.system}/${job.category}`);
    const onCalendar = cronToOnCalendar(job.cron, job.timezone);
    const common = {
      system: policy.system,
      category: job.category,
      title: capitalise(job.title),
      origin: job.origin,
      lockedExit: LOCKED_EXIT_CODE,
    };
    files.push({
      path: posix.join(unitDir, service),
      content: tidyText(
        renderTemplate(
          'systemd.service.hbs',
          {
            ...common,
            timer,
            description,
            execStart: job.command.map((word, i) => quoteSystemdArg(word, i === 0 ? 'executable' : 'argument')).join(' '),
            environmentFile: environmentFile ? escapeSystemdValue(environmentFile, 'environment file') : undefined,
            user: user ? escapeSystemdValue(user, 'user') : undefined,
          },
          templatesDir,
        ),
      ),
    });
    files.push({
      path: posix.join(unitDir, timer),
      content: tidyText(
        renderTemplate(
          'systemd.timer.hbs',
          {
            ...common,
            service,
            description: escapeSystemdValue(`Strata ${job.title} timer of ${policy.system}/${job.category}`),
            cron: job.cron,
            timezone: job.timezone,
            onCalendar,
            split: onCalendar.length > 1,
          },
          templatesDir,
        ),
      ),
    });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
