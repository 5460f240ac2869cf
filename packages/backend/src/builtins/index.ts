export { permissionPlugin } from './permissionPlugin';
export { auditPlugin } from './auditPlugin';
