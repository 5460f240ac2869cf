import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Alert, AlertTitle, Box, Button } from '@mui/material';

interface State {
  error?: Error;
}

/** Keeps a crashing page or extension from taking the shell down; shows what failed and a retry. */
export class ErrorBoundary extends Component<{ name: string; children?: ReactNode }, State> {
  state: State = {};

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`Extension '${this.props.name}' failed to render`, error, info.componentStack);
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <Box sx={{ p: 3 }}>
        <Alert
          severity="error"
          action={
            <Button color="inherit" size="small" onClick={() => this.setState({ error: undefined })}>
              Retry
            </Button>
          }
        >
          <AlertTitle>{this.props.name} failed to load</AlertTitle>
          {this.state.error.message}
        </Alert>
      </Box>
    );
  }
}
