import { describe, expect, it } from 'vitest';
import { AddressPolicy, AddressRefusedError } from './address-policy.js';

describe('AddressPolicy', () => {
  const policy = new AddressPolicy();

  it.each([
    ['10.1.2.3', 'private'],
    ['172.16.0.9', 'private'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['fe80::1', 'linkLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::', 'unspecified'],
  ])('refuses %s (%s)', (address, range) => {
    expect(policy.refusal(address)).toContain(`is a ${range} address`);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:93.184.215.14'])('lets %s through', (address) => {
    expect(policy.refusal(address)).toBeUndefined();
  });

  it('lets the ranges WEBHOOK_ALLOWED_NETWORKS names through, and only those', () => {
    const allowing = new AddressPolicy(['10.20.0.0/16', '::1/128']);
    expect(allowing.refusal('10.20.3.4')).toBeUndefined();
    expect(allowing.refusal('::ffff:10.20.3.4')).toBeUndefined();
    expect(allowing.refusal('::1')).toBeUndefined();
    expect(allowing.refusal('10.21.0.1')).toContain('private');
    expect(allowing.refusal('127.0.0.1')).toContain('loopback');
  });

  it('checks a URL whose host is an address before connecting, leaving names to the connection', () => {
    expect(() => policy.checkLiteralHost(new URL('http://[fd00::1]:8080/hook'))).toThrow(AddressRefusedError);
    expect(() => policy.checkLiteralHost(new URL('http://192.168.0.10/hook'))).toThrow(
      'refused to deliver to http://192.168.0.10: 192.168.0.10 is a private address',
    );
    expect(() => policy.checkLiteralHost(new URL('https://hooks.example.com/'))).not.toThrow();
  });

  it('refuses, when connecting, a name any of whose addresses is refused', async () => {
    const looked = await new Promise<{ error: Error | null }>((resolve) =>
      policy.lookup('localhost', { all: true }, (error) => resolve({ error })),
    );
    expect(looked.error).toBeInstanceOf(AddressRefusedError);
    expect(looked.error?.message).toMatch(/^refused to deliver to localhost: .+ is a loopback address/);
  });
});
