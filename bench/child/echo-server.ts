// A benchmark child process: the gRPC floor. A bare nice-grpc server whose
// GetUser answers a fixed user and CreateSession a fixed session at once —
// the same messages as the gateway's, with no middleware and no upstream.
// Prints {"port": n}.
import { createServer } from 'nice-grpc';
import {
  SessionServiceDefinition,
  type SessionServiceImplementation,
  UserServiceDefinition,
  type UserServiceImplementation,
} from '../../gen/index.quickblox.v1';

const user = {
  id: 96752798n,
  login: 'alice',
  email: 'alice@example.com',
  fullName: 'Alice Smith',
  createdAt: new Date('2026-11-21T12:00:00Z'),
  updatedAt: new Date('2026-11-21T12:00:00Z'),
  externalUserId: 1001n,
  tags: ['web', 'vip'],
  ageOver16: false,
  allowStatisticsAnalysis: false,
  allowSalesActivities: false,
  parentsContacts: '',
};

const session = {
  token: 'a3f1c0e4b2d94f6e8a7b5c3d1e0f9a8b7c6d5e4f',
  id: 8_123_456n,
  applicationId: 1n,
  userId: 96752798n,
  createdAt: new Date('2026-11-21T12:00:00Z'),
  updatedAt: new Date('2026-11-21T12:00:00Z'),
  expiresAt: new Date('2026-11-21T14:00:00Z'),
};

const unimplemented = async (): Promise<never> => {
  throw new Error('not part of the echo server');
};

async function main(): Promise<void> {
  const server = createServer();
  const implementation: UserServiceImplementation = {
    getUser: async () => ({ user }),
    createUser: unimplemented,
    getUsers: unimplemented,
    findUser: unimplemented,
    listUsers: unimplemented,
    updateUser: unimplemented,
    deleteUser: unimplemented,
    resetPassword: unimplemented,
    createUserToken: unimplemented,
  };
  server.add(UserServiceDefinition, implementation);
  const sessions: SessionServiceImplementation = {
    createSession: async () => ({ session }),
    getSession: unimplemented,
    login: unimplemented,
    logout: unimplemented,
    destroySession: unimplemented,
  };
  server.add(SessionServiceDefinition, sessions);
  const port = await server.listen('127.0.0.1:0');
  console.log(JSON.stringify({ port }));
}

void main();
