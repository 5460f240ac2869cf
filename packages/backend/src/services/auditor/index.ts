export { AuditLog, auditLogServiceRef, auditLogServiceFactory } from './AuditLog';
export { AuditStore, auditMigrations, type AuditQuery } from './AuditStore';
export { auditorServiceFactory, createAuditor } from './auditorServiceFactory';
export { recordDeniedRequest } from './recordDeniedRequest';
export { redactMeta, REDACTED } from './redactMeta';
