import { Router } from 'express';

export function homeRouter(): Router {
  const router = Router();
  router.get('/', (req, res) => {
    res.render('home', { pageTitle: 'Organizer Academy', signedIn: Boolean(req.user) });
  });
  return router;
}
