import type { ApplicationConfig } from './config';

/**
 * The demo application `npm run emulator` and `npm run dev` start with. Its
 * credentials are those of the signature vectors of docs/quickblox-rest.md §3.4, so the
 * documented signatures verify against it.
 */
export const demoApplication: ApplicationConfig = {
  id: 12345,
  authKey: 'AbCdEfGh12345',
  authSecret: 'S3cr3tS3cr3tXYZ',
  apiKey: 'demo-api-key-0123456789',
  accountKey: 'demo-account-key',
  blobIds: [1, 2, 3],
  users: [
    { login: 'alice', email: 'alice@example.com', password: 'alicePass1!', full_name: 'Alice Smith', tags: ['web', 'vip'], external_user_id: 1001 },
    { login: 'bob', email: 'bob@example.com', password: 'bobPass123', full_name: 'Bob Brown', tags: ['android'], phone: '+15550100' },
    { login: 'carol', email: 'carol@example.com', password: 'carolPass1', full_name: 'Carol Smith-Jones', tags: ['web'], facebook_id: '8887366' },
  ],
};
