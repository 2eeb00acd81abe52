import { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { CurriculumCatalog } from '../curriculum/catalog';
import { withTransaction } from '../db/transaction';
import { flash } from '../web/flash';
import { requireRole } from '../web/guards';
import { idOf } from '../web/params';
import type { WorkshopsService } from '../workshops/workshops.service';
import { confirmCancelWorkshop, confirmDeactivation, confirmWithdrawal } from './confirmations.service';

interface ConfirmationsRouterDeps {
  dataSource: DataSource;
  catalog: CurriculumCatalog;
  workshops: WorkshopsService;
}

/**
 * Confirmation pages in front of destructive actions (the actions themselves stay POST routes of
 * their features), and reinstating a cancelled workshop.
 */
export function confirmationsRouter({ dataSource, catalog, workshops }: ConfirmationsRouterDeps): Router {
  const router = Router();
  const manager = dataSource.manager;

  router.get('/workshops/:id/cancel', requireRole('admin', 'coach'), async (req, res) => {
    res.render('admin/confirm', await confirmCancelWorkshop(manager, req.user, workshops, idOf(req)));
  });
  router.get('/admin/submissions/:id/withdraw', requireRole('admin'), async (req, res) => {
    res.render('admin/confirm', await confirmWithdrawal(manager, req.user, catalog.current(), idOf(req)));
  });
  router.get('/admin/people/:id/deactivate', requireRole('admin'), async (req, res) => {
    res.render('admin/confirm', await confirmDeactivation(manager, req.user, idOf(req)));
  });

  router.post('/workshops/:id/reinstate', requireRole('admin', 'coach'), async (req, res) => {
    await withTransaction(dataSource, (m) => workshops.reinstate(m, req.user, idOf(req)));
    flash(req, 'success', 'The workshop is back on; everyone registered or waitlisted was told.');
    res.redirect(303, `/workshops/${idOf(req)}`);
  });

  return router;
}
