// A stand-in for a database access API and a Slack incoming webhook, for trying the
// "Request database access" template locally: `node examples/templates/database-access/fake-access-api.js`
// then allow it: scaffolder.http.allowedHosts: ['localhost:7080'], scaffolder.slack.webhookUrl: http://localhost:7080/slack
const http = require('node:http');

let next = 1;
http
  .createServer((req, res) => {
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
  })
  .listen(Number(process.env.PORT ?? 7080), '127.0.0.1', () => console.log('fake access API on http://localhost:7080'));
