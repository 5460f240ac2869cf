import { configure } from '@testing-library/react';

// A busy CI machine can take more than the default second to render MUI pages; wait longer before failing.
configure({ asyncUtilTimeout: 5000 });
