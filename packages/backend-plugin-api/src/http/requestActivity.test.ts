import { requestActivity } from './requestActivity';

const turn = () => new Promise<void>(resolve => setImmediate(resolve));

describe('requestActivity.settle', () => {
  it('waits while a request is in flight, then until none has ended for the quiet time', async () => {
    const end = requestActivity.started();
    let settled = false;
    const settling = requestActivity.settle(30, 60_000).then(() => (settled = true));
    await turn();
    expect(settled).toBe(false);
    end();
    const ended = performance.now();
    await turn();
    expect(settled).toBe(false); // the client may send its next request within the quiet time
    await settling;
    expect(performance.now() - ended).toBeGreaterThanOrEqual(29);
  });

  it('starts the quiet time again when another request comes and goes within it', async () => {
    requestActivity.started()();
    let settled = false;
    const settling = requestActivity.settle(40, 60_000).then(() => (settled = true));
    await new Promise(resolve => setTimeout(resolve, 5));
    const end = requestActivity.started();
    await turn();
    end();
    const lastEnded = performance.now();
    expect(settled).toBe(false);
    await settling;
    expect(performance.now() - lastEnded).toBeGreaterThanOrEqual(39);
  });

  it('does not count requests that ended before `since` (the caller’s own)', async () => {
    requestActivity.started()();
    // with the request counted, this would wait 60 s and the test time out
    await requestActivity.settle(60_000, 120_000, performance.now());
    expect(requestActivity.inFlight).toBe(0);
  });

  it('gives up after maxMs, a request still in flight', async () => {
    const end = requestActivity.started();
    try {
      await requestActivity.settle(10, 50);
      expect(requestActivity.inFlight).toBe(1);
    } finally {
      end();
    }
  });
});
