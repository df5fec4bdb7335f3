export { MissingPeerDependencyError } from '../private/optional-peer';
