// A stand-in for a database access API and a Slack incoming webhook, for trying the
// "Request database access" template locally: `node examples/templates/database-access/fake-access-api.js`.
// It listens on ACCESS_API_PORT (default 7080, the port the template's `grantsUrl` and the repository's
// app-config expect; not PORT, which the portal itself reads) and prints the config that matches the port used.
const http = require('node:http');

const port = Number(process.env.ACCESS_API_PORT ?? 7080);
let next = 1;
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', c => (body += c));
  req.on('end', () => {
    console.log(req.method, req.url, body);
    if (req.method === 'POST' && req.url === '/grants') {
      const grant = { id: `grant-${next++}`, ...JSON.parse(body || '{}') };
      return res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(grant));
    }
    if (req.method === 'POST' && req.url === '/slack') return res.writeHead(200).end('ok');
    res.writeHead(404).end();
  });
});
server.listen(port, '127.0.0.1', () => {
  const base = `http://localhost:${server.address().port}`;
  // One write, so whoever reads the start message gets all of it at once.
  const lines = [`fake access API on ${base} (grants: ${base}/grants, Slack webhook: ${base}/slack)`];
  if (server.address().port !== 7080) {
    lines.push(
      `not the default port: set scaffolder.http.allowedHosts: ['localhost:${server.address().port}'], ` +
        `scaffolder.slack.webhookUrl: ${base}/slack, and the template's grantsUrl default to ${base}/grants`,
    );
  }
  console.log(lines.join('\n'));
});
