export { decodeRemoteWrite } from './remote-write.js';
