import { Component, startTransition, Suspense, useState, type ReactNode } from 'react';
import { act, fireEvent, render, screen } from '@testing-library/react';
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

  it('renders preloaded code at once, without a fallback, and suspends while the code loads', async () => {
    const fallbacks: string[] = [];
    function Fallback({ name }: { name: string }) {
      fallbacks.push(name);
      return <p>loading</p>;
    }
    const Ready = lazyComponent(async () => () => <p>ready card</p>);
    await Ready.preload();
    render(
      <Suspense fallback={<Fallback name="ready" />}>
        <Ready />
      </Suspense>,
    );
    // React.lazy showed the fallback first and revealed the card up to 300 ms later
    expect(screen.getByText('ready card')).toBeInTheDocument();
    expect(fallbacks).toEqual([]);

    let arrive: (value: { default: () => React.JSX.Element }) => void = () => undefined;
    const Slow = lazyComponent(() => new Promise<{ default: () => React.JSX.Element }>(resolve => (arrive = resolve)));
    await act(async () => {
      render(
        <Suspense fallback={<Fallback name="slow" />}>
          <Slow />
        </Suspense>,
      );
    });
    expect(fallbacks).toContain('slow');
    expect(screen.queryByText('slow card')).not.toBeInTheDocument();
    await act(async () => arrive({ default: () => <p>slow card</p> }));
    expect(await screen.findByText('slow card')).toBeInTheDocument();
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

  it('renders code that starts loading in a transition (a router navigation) once it has arrived', async () => {
    const Tab = lazyComponent(async () => ({ default: () => <p>second tab</p> }));
    function Tabs() {
      const [tab, setTab] = useState(1);
      return (
        <>
          <button onClick={() => startTransition(() => setTab(2))}>second</button>
          <Suspense fallback={<p>loading</p>}>{tab === 1 ? <p>first tab</p> : <Tab />}</Suspense>
        </>
      );
    }
    render(<Tabs />);
    fireEvent.click(screen.getByRole('button', { name: 'second' }));
    expect(await screen.findByText('second tab')).toBeInTheDocument();
  });

  it('shows a failed load to the error boundary; a preload loads it again for the next render', async () => {
    class Boundary extends Component<{ children: ReactNode }, { error?: Error }> {
      state: { error?: Error } = {};
      static getDerivedStateFromError(error: Error) {
        return { error };
      }
      render() {
        if (!this.state.error) return this.props.children;
        return <button onClick={() => this.setState({ error: undefined })}>{`retry after ${this.state.error.message}`}</button>;
      }
    }
    const loader = jest
      .fn<Promise<{ default: () => React.JSX.Element }>, []>()
      .mockRejectedValueOnce(new Error('network'))
      .mockResolvedValue({ default: () => <p>card after retry</p> });
    const Card = lazyComponent(loader);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    render(
      <Boundary>
        <Suspense fallback={<p>loading</p>}>
          <Card />
        </Suspense>
      </Boundary>,
    );
    const retry = await screen.findByRole('button', { name: 'retry after network' });
    await act(() => Card.preload());
    fireEvent.click(retry);
    expect(await screen.findByText('card after retry')).toBeInTheDocument();
    expect(loader).toHaveBeenCalledTimes(2);
  });
});
