// A benchmark child process: the gRPC floor. A bare nice-grpc server whose
// GetUser answers a fixed user at once — the same messages as the gateway's
// GetUser, with no middleware and no upstream. Prints {"port": n}.
import { createServer } from 'nice-grpc';
import { UserServiceDefinition, type UserServiceImplementation } from '../../gen/index.quickblox.v1';

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
  const port = await server.listen('127.0.0.1:0');
  console.log(JSON.stringify({ port }));
}

void main();
