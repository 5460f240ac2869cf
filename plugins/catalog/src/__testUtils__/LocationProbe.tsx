import { useLocation } from 'react-router';

/** Shows the current URL so tests can assert what a person would see in the address bar. */
export function LocationProbe() {
  const location = useLocation();
  return <output aria-label="Current location">{`${location.pathname}${location.search}`}</output>;
}
