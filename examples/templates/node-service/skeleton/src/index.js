// ${{ values.name }}: ${{ values.description }}
const http = require('node:http');

const port = Number(process.env.PORT ?? 3000);
http
  .createServer((req, res) => {
    if (req.url === '/healthz') return res.writeHead(200).end('ok');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ service: '${{ values.name }}' }));
  })
  .listen(port, () => console.log(`${{ values.name }} listening on ${port}`));
