import { Suspense } from 'react';
import { act, render, screen } from '@testing-library/react';
import { lazyComponent } from './lazyComponent';

describe('lazyComponent', () => {
  it('loads the code once whether preloaded or rendered, from a component or a module', async () => {
    const loader = jest.fn(async () => ({ default: () => <p>loaded page</p> }));
    const Page = lazyComponent(loader);
    await Page.preload();
    await act(async () => {
      render(
        <Suspense fallback="loading">
          <Page />
        </Suspense>,
      );
    });
    expect(screen.getByText('loaded page')).toBeInTheDocument();
    expect(loader).toHaveBeenCalledTimes(1);

    const Card = lazyComponent(async () => () => <p>loaded card</p>);
    await act(async () => {
      render(
        <Suspense fallback="loading">
          <Card />
        </Suspense>,
      );
    });
    expect(screen.getByText('loaded card')).toBeInTheDocument();
  });

  it('tries again after a failed preload', async () => {
    const loader = jest
      .fn<Promise<{ default: () => null }>, []>()
      .mockRejectedValueOnce(new Error('network'))
      .mockResolvedValue({ default: () => null });
    const Page = lazyComponent(loader);
    await expect(Page.preload()).rejects.toThrow('network');
    await expect(Page.preload()).resolves.toBeUndefined();
    expect(loader).toHaveBeenCalledTimes(2);
  });
});
