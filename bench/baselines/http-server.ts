import fs from 'node:fs';
import http from 'node:http';

/** Baseline: a bare node:http server answering every request with the captured module page. */
const page = fs.readFileSync(process.env.PAGE_FILE ?? '', 'utf8');
const body = Buffer.from(page);
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length });
  res.end(body);
});
server.listen(Number(process.env.PORT), '127.0.0.1', () =>
  console.log(`node:http baseline on ${process.env.PORT}`),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
