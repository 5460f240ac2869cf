export * from './TemplateEntity';
export * from './Task';
export * from './Action';
export * from './permissions';
export * from './ActionAvailability';
