/** The portal `portico login` talks to when neither --url nor PORTICO_URL says otherwise. */
export const DEFAULT_PORTAL_URL = 'http://localhost:7007';
