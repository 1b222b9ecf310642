import { foundOf } from './found';

describe('IP addresses', () => {
  test.each([
    ['client 192.168.1.10 connected', ['192.168.1.10']],
    ['from 10.0.0.1.', ['10.0.0.1']],
    ['0.0.0.0 and 255.255.255.255', ['0.0.0.0', '255.255.255.255']],
    ['version 1.2.3.4.5', []],
    ['256.1.1.1', []],
    ['01.2.3.4', []],
    ['2024.01.15', []],
    ['fe80::1ff:fe23:4567:890a', ['fe80::1ff:fe23:4567:890a']],
    ['2001:0db8:85a3:0000:0000:8a2e:0370:7334', ['2001:0db8:85a3:0000:0000:8a2e:0370:7334']],
    ['at 12:30:45 today', []],
    ['mac 00:1A:2B:3C:4D:5E', []],
    ['std::vector and a::b', []],
    ['::1', []],
  ])('%j → %j', (text, expected) => {
    expect(foundOf(text, 'ip_address')).toEqual(expected);
  });
});
