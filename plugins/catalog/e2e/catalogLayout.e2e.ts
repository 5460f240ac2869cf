// Layout checks in a real browser at a common laptop width (1400 px), against the portal `npm run test:e2e`
// starts with the example organisation: what jsdom cannot measure (text that does not fit, labels on top of
// each other). One screenshot per step under artifacts/e2e/catalog-layout/.
import { openPortal, type PortalSession } from '../../../packages/app/e2e/harness';

describe('catalog layout at 1400 px', () => {
  let s: PortalSession;

  beforeAll(async () => {
    s = await openPortal('catalog-layout', { viewport: { width: 1400, height: 900 } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('shows Kind, Type, Owner and Lifecycle whole, in the headers and in every row', async () => {
    // every kind, so that the longest kind names (Component, Location, Template) are among the rows
    await s.goto('/catalog?owned=all&kind=');
    const table = s.page.getByRole('table', { name: 'Catalog' });
    await table.locator('tbody tr[aria-rowindex]').nth(5).waitFor();
    await s.shot('catalog-all-kinds');
    const clipped = await table.evaluate((element: HTMLTableElement) => {
      const names = Array.from(element.querySelectorAll('thead th')).map(th => th.textContent?.trim() ?? '');
      const found: string[] = [];
      for (const column of ['Kind', 'Type', 'Owner', 'Lifecycle']) {
        const index = names.indexOf(column);
        if (index < 0) {
          found.push(`no ${column} column`);
          continue;
        }
        const cells = Array.from(element.querySelectorAll(`tr > :nth-child(${index + 1})`)) as HTMLElement[];
        for (const cell of cells) {
          // a clipped cell's content is wider than the cell (text-overflow: ellipsis draws "Comp…")
          const content = (cell.firstElementChild as HTMLElement | null) ?? cell;
          if (cell.scrollWidth > cell.clientWidth || content.scrollWidth > content.clientWidth) {
            found.push(`${column}: "${cell.textContent}" needs ${cell.scrollWidth}px, has ${cell.clientWidth}px`);
          }
        }
      }
      return found;
    });
    expect(clipped).toEqual([]);
  });

  it('draws a team\'s relations grouped by type with no label on top of another, collapsed and expanded', async () => {
    await s.goto('/catalog/default/group/storefront');
    const graph = s.page.getByRole('group', { name: /^Relations of/ });
    await graph.waitFor();
    const overlaps = () =>
      graph.evaluate((svg: Element) => {
        const boxes = Array.from(svg.querySelectorAll('text')).map(t => ({ text: t.textContent ?? '', box: t.getBoundingClientRect() }));
        const found: string[] = [];
        for (const [i, a] of boxes.entries()) {
          for (const b of boxes.slice(i + 1)) {
            const overlap = a.box.left < b.box.right - 0.5 && b.box.left < a.box.right - 0.5 && a.box.top < b.box.bottom - 0.5 && b.box.top < a.box.bottom - 0.5;
            if (overlap) found.push(`"${a.text}" overlaps "${b.text}"`);
          }
        }
        return { found, count: boxes.length };
      });
    const collapsed = await overlaps();
    expect(collapsed.found).toEqual([]);
    await s.shot('relations-collapsed');
    // the team owns more than a group shows collapsed
    await graph.getByRole('button', { name: /^owner of: show \d+ more$/ }).click();
    await graph.getByRole('button', { name: 'owner of: show fewer' }).waitFor();
    const expanded = await overlaps();
    expect(expanded.count).toBeGreaterThan(collapsed.count);
    expect(expanded.found).toEqual([]);
    await s.shot('relations-expanded');
  });
});
