export { ROLES, grants, isRole, type Role, type RouteRole } from './roles.js';
export { TokenRegistry, hashToken, ANONYMOUS, INTERNAL, type Principal, type TokenInfo } from './tokens.js';
export { AccessControl, installAccessControl, type DeclaredRoute } from './gate.js';
export { AuditLog, type AuditEntry } from './audit.js';
export { authRequired, isLoopback, refuseUncheckedPublicBind } from './mode.js';
export { tokenFromHeaders } from './credentials.js';
export { accessRoutes } from './routes.js';
export { setupAccess, type AccessSetup } from './setup.js';
