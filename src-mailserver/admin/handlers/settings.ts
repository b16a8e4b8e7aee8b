// Admin requests for settings (DATA/config.json) and the setup wizard's progress.
import { z } from 'zod';
import { handler } from '../handler.js';
import { applySettingsPatch, readSettings } from '../settings-view.js';
import { readWizardState, saveWizardState } from '../wizard-state.js';

const noParams = z.object({}).strict();
const port = z.number().int().min(0).max(65535).nullable();
const step = z.enum(['host', 'domain', 'account', 'certificate', 'dns', 'port25', 'clients', 'summary']);
const hostname = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^(?=.{1,253}$)(?!-)[a-zA-Z0-9-]{1,63}(?<!-)(\.(?!-)[a-zA-Z0-9-]{1,63}(?<!-))*$/, 'not a valid host name');
const ip = z.union([z.ipv4(), z.ipv6()]);

export const settingsHandlers = [
  handler({ method: 'settings.get', params: noParams, run: (ctx) => readSettings(ctx.dataDir) }),
  handler({
    method: 'settings.update',
    params: z
      .object({
        hostname: hostname.optional(),
        publicIp: ip.nullable().optional(),
        ports: z
          .object({
            smtp: port.optional(),
            submission: port.optional(),
            smtps: port.optional(),
            imap: port.optional(),
            imaps: port.optional(),
            pop3: port.optional(),
            pop3s: port.optional(),
            http: port.optional(),
            https: port.optional(),
            admin: port.optional(),
          })
          .strict()
          .optional(),
        limits: z
          .object({
            maxMessageBytes: z.number().int().min(1024).max(2 ** 31).optional(),
            maxRecipients: z.number().int().min(1).max(10_000).optional(),
            maxConnections: z.number().int().min(1).max(100_000).optional(),
            smtpIdleSeconds: z.number().int().min(10).max(3600).optional(),
          })
          .strict()
          .optional(),
        desktop: z
          .object({ closeToTray: z.boolean().optional(), startMinimized: z.boolean().optional(), startAtLogin: z.boolean().optional(), notifications: z.boolean().optional() })
          .strict()
          .optional(),
      })
      .strict(),
    changes: 'settings',
    async run(ctx, patch) {
      const result = await applySettingsPatch(ctx.dataDir, ctx.config, patch);
      ctx.log.info({ component: 'admin', changed: Object.keys(patch), restartRequired: result.restartRequired }, 'settings changed');
      return result;
    },
  }),
  handler({ method: 'wizard.get', params: noParams, run: (ctx) => readWizardState(ctx.db) }),
  handler({
    method: 'wizard.save',
    params: z
      .object({
        step: step.optional(),
        completed: z.array(step).max(8).optional(),
        finished: z.boolean().optional(),
        domain: z.string().max(253).nullable().optional(),
        account: z.string().max(320).nullable().optional(),
      })
      .strict(),
    changes: 'status',
    run: (ctx, patch) => saveWizardState(ctx.db, patch),
  }),
];
