namespace GeminiImage.Engine.Imaging;

/// <summary>
/// Rewrites a baseline JPEG with Huffman tables built for its own symbols (what libjpeg's optimize_coding and
/// <c>jpegtran -optimize</c> do, and ImageMagick does by default). Lossless: the coefficients are untouched, only their
/// codes get shorter. ImageSharp 2.1 writes the standard example tables, so its files are several percent larger.
/// </summary>
internal static class JpegHuffmanOptimizer
{
    private const int Tables = 8; // DC 0-3, AC 0-3 (index 4 + id)

    private sealed class Component
    {
        public int Id, H, V, DcTable, AcTable;
    }

    /// <summary>The same image with optimal Huffman tables; the input unchanged when it is anything but a single-scan
    /// baseline JPEG without restart markers, or damaged.</summary>
    public static byte[] Optimize(byte[] jpeg)
    {
        try
        {
            return TryOptimize(jpeg) ?? jpeg;
        }
        catch (InvalidDataException)
        {
            return jpeg;
        }
        catch (IndexOutOfRangeException)
        {
            return jpeg;
        }
    }

    private static byte[]? TryOptimize(byte[] data)
    {
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8) return null;
        var header = new MemoryStream();
        header.Write(data, 0, 2);
        var codes = new HuffmanTable?[Tables];
        var components = new List<Component>();
        int width = 0, height = 0, pos = 2;
        while (true)
        {
            if (pos + 4 > data.Length || data[pos] != 0xFF) return null;
            var marker = data[pos + 1];
            if (marker == 0xFF) { pos++; continue; } // fill byte
            var length = (data[pos + 2] << 8) | data[pos + 3];
            var body = pos + 4;
            var end = pos + 2 + length;
            if (length < 2 || end > data.Length) return null;
            switch (marker)
            {
                case 0xC0: // baseline DCT
                    height = (data[body + 1] << 8) | data[body + 2];
                    width = (data[body + 3] << 8) | data[body + 4];
                    for (int i = 0, n = data[body + 5]; i < n; i++)
                    {
                        var c = body + 6 + i * 3;
                        components.Add(new Component { Id = data[c], H = data[c + 1] >> 4, V = data[c + 1] & 15 });
                    }
                    break;
                case 0xC4: // DHT: read, and leave out (new tables are written before the scan)
                    for (var p = body; p < end;)
                    {
                        var index = (data[p] >> 4) * 4 + (data[p] & 15);
                        if (index >= Tables) return null;
                        var counts = new byte[17];
                        var total = 0;
                        for (var i = 1; i <= 16; i++) total += counts[i] = data[p + i];
                        var values = new byte[total];
                        Array.Copy(data, p + 17, values, 0, total);
                        codes[index] = new HuffmanTable(counts, values);
                        p += 17 + total;
                    }
                    pos = end;
                    continue;
                case 0xDD: // restart interval: not written by ImageSharp, not handled here
                    if ((data[body] << 8 | data[body + 1]) != 0) return null;
                    break;
                case 0xDA:
                    return width <= 0 || height <= 0 || components.Count == 0 ? null
                        : Rewrite(data, header, pos, end, codes, components, width, height);
                default:
                    // SOF1-15 (progressive, arithmetic...), DAC: leave such files alone
                    if (marker >= 0xC1 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) return null;
                    break;
            }
            header.Write(data, pos, end - pos);
            pos = end;
        }
    }

    private static byte[]? Rewrite(byte[] data, MemoryStream header, int sos, int scanStart, HuffmanTable?[] tables,
        List<Component> frame, int width, int height)
    {
        var count = data[sos + 4];
        var scan = new List<Component>();
        for (var i = 0; i < count; i++)
        {
            var id = data[sos + 5 + i * 2];
            var component = frame.Find(c => c.Id == id);
            if (component == null) return null;
            component.DcTable = data[sos + 6 + i * 2] >> 4;
            component.AcTable = 4 + (data[sos + 6 + i * 2] & 15);
            if (component.DcTable >= 4 || component.AcTable >= Tables || tables[component.DcTable] == null || tables[component.AcTable] == null) return null;
            scan.Add(component);
        }
        if (count != 1 && count != frame.Count) return null;
        int hMax = 1, vMax = 1;
        foreach (var c in frame) { hMax = Math.Max(hMax, c.H); vMax = Math.Max(vMax, c.V); }

        // Decode every symbol (table, symbol, extra bits) in order.
        var symbols = new List<uint>(data.Length);
        var reader = new BitReader(data, scanStart);
        if (count == 1)
        {
            var c = scan[0];
            var blocksX = (CeilDiv(width * c.H, hMax) + 7) / 8;
            var blocksY = (CeilDiv(height * c.V, vMax) + 7) / 8;
            for (var b = blocksX * blocksY; b > 0; b--) ReadBlock(reader, tables, c, symbols);
        }
        else
        {
            var mcus = CeilDiv(width, 8 * hMax) * CeilDiv(height, 8 * vMax);
            for (var m = 0; m < mcus; m++)
                foreach (var c in scan)
                    for (var b = c.H * c.V; b > 0; b--) ReadBlock(reader, tables, c, symbols);
        }
        var after = reader.End();
        if (after + 2 > data.Length || data[after] != 0xFF || data[after + 1] != 0xD9) return null; // only EOI may follow

        // Optimal tables for the symbols used.
        var frequencies = new long[Tables][];
        for (var t = 0; t < Tables; t++) frequencies[t] = new long[257];
        foreach (var s in symbols) frequencies[s >> 29][(s >> 21) & 0xFF]++;
        var optimal = new HuffmanTable?[Tables];
        using (var dht = new MemoryStream())
        {
            for (var t = 0; t < Tables; t++)
            {
                if (tables[t] == null || !scan.Exists(c => c.DcTable == t || c.AcTable == t)) continue;
                optimal[t] = HuffmanTable.Optimal(frequencies[t]);
                dht.WriteByte((byte)((t / 4) << 4 | (t % 4)));
                dht.Write(optimal[t]!.Counts, 1, 16);
                dht.Write(optimal[t]!.Values, 0, optimal[t]!.Values.Length);
            }
            var length = dht.Length + 2;
            header.WriteByte(0xFF);
            header.WriteByte(0xC4);
            header.WriteByte((byte)(length >> 8));
            header.WriteByte((byte)length);
            dht.WriteTo(header);
        }
        header.Write(data, sos, scanStart - sos);

        var writer = new BitWriter(header);
        foreach (var s in symbols)
        {
            var table = optimal[s >> 29]!;
            var symbol = (int)((s >> 21) & 0xFF);
            writer.Write(table.Code[symbol], table.Size[symbol]);
            var extraLength = (int)((s >> 16) & 31);
            if (extraLength > 0) writer.Write((int)(s & 0xFFFF), extraLength);
        }
        writer.Flush();
        header.WriteByte(0xFF);
        header.WriteByte(0xD9);
        var result = header.ToArray();
        return result.Length < data.Length ? result : null;
    }

    private static int CeilDiv(int a, int b) => (a + b - 1) / b;

    private static void ReadBlock(BitReader reader, HuffmanTable?[] tables, Component c, List<uint> symbols)
    {
        var dc = tables[c.DcTable]!;
        var size = dc.Decode(reader);
        if (size > 16) throw new InvalidDataException("bad DC size");
        symbols.Add(Pack(c.DcTable, size, size, reader.Read(size)));
        var ac = tables[c.AcTable]!;
        for (var k = 1; k < 64;)
        {
            var rs = ac.Decode(reader);
            int run = rs >> 4, bits = rs & 15;
            symbols.Add(Pack(c.AcTable, rs, bits, reader.Read(bits)));
            if (bits == 0)
            {
                if (run != 15) break; // end of block
                k += 16;
                continue;
            }
            k += run + 1;
        }
    }

    private static uint Pack(int table, int symbol, int extraLength, int extra) =>
        (uint)table << 29 | (uint)symbol << 21 | (uint)extraLength << 16 | (uint)extra;

    /// <summary>A canonical JPEG Huffman table: code counts per length (1-16) and symbols in code order.</summary>
    private sealed class HuffmanTable
    {
        public readonly byte[] Counts;
        public readonly byte[] Values;
        public readonly int[] Code = new int[256];
        public readonly int[] Size = new int[256];
        private readonly int[] _maxCode = new int[18];
        private readonly int[] _valueOffset = new int[17];

        public HuffmanTable(byte[] counts, byte[] values)
        {
            Counts = counts;
            Values = values;
            int code = 0, k = 0;
            for (var length = 1; length <= 16; length++)
            {
                _valueOffset[length] = k - code;
                for (var i = 0; i < counts[length]; i++, k++, code++)
                {
                    if (k >= values.Length) throw new InvalidDataException("bad Huffman table");
                    Code[values[k]] = code;
                    Size[values[k]] = length;
                }
                _maxCode[length] = counts[length] > 0 ? code - 1 : -1;
                code <<= 1;
            }
            _maxCode[17] = int.MaxValue;
        }

        public int Decode(BitReader reader)
        {
            var code = 0;
            for (var length = 1; length <= 16; length++)
            {
                code = (code << 1) | reader.Bit();
                if (Counts[length] > 0 && code <= _maxCode[length]) return Values[code + _valueOffset[length]];
            }
            throw new InvalidDataException("bad Huffman code");
        }

        /// <summary>The code lengths of ITU T.81 Annex K.2 (as libjpeg's jpeg_gen_optimal_table), at most 16 bits.</summary>
        public static HuffmanTable Optimal(long[] frequency)
        {
            var freq = (long[])frequency.Clone();
            freq[256] = 1; // a reserved code point, so no real code is all ones
            var codeSize = new int[257];
            var others = new int[257];
            for (var i = 0; i < 257; i++) others[i] = -1;
            while (true)
            {
                int c1 = -1, c2 = -1;
                long v1 = long.MaxValue, v2 = long.MaxValue;
                for (var i = 0; i <= 256; i++)
                {
                    if (freq[i] == 0) continue;
                    if (freq[i] <= v1) { v2 = v1; c2 = c1; v1 = freq[i]; c1 = i; }
                    else if (freq[i] <= v2) { v2 = freq[i]; c2 = i; }
                }
                if (c2 < 0) break;
                freq[c1] += freq[c2];
                freq[c2] = 0;
                codeSize[c1]++;
                while (others[c1] >= 0) { c1 = others[c1]; codeSize[c1]++; }
                others[c1] = c2;
                codeSize[c2]++;
                while (others[c2] >= 0) { c2 = others[c2]; codeSize[c2]++; }
            }
            var bits = new int[33];
            for (var i = 0; i <= 256; i++)
                if (codeSize[i] > 0) bits[Math.Min(codeSize[i], 32)]++;
            for (var i = 32; i > 16; i--)
            {
                while (bits[i] > 0)
                {
                    var j = i - 2;
                    while (bits[j] == 0) j--;
                    bits[i] -= 2;
                    bits[i - 1]++;
                    bits[j + 1] += 2;
                    bits[j]--;
                }
            }
            var last = 16;
            while (bits[last] == 0) last--;
            bits[last]--; // drop the reserved code point
            var counts = new byte[17];
            for (var i = 1; i <= 16; i++) counts[i] = (byte)bits[i];
            var values = new List<byte>();
            for (var length = 1; length <= 32; length++)
                for (var symbol = 0; symbol < 256; symbol++)
                    if (codeSize[symbol] == length) values.Add((byte)symbol);
            return new HuffmanTable(counts, values.ToArray());
        }
    }

    /// <summary>Reads entropy-coded bits, undoing 0xFF00 byte stuffing; stops at a marker.</summary>
    private sealed class BitReader
    {
        private readonly byte[] _data;
        private int _pos;
        private int _byte;
        private int _bitsLeft;

        public BitReader(byte[] data, int start)
        {
            _data = data;
            _pos = start;
        }

        public int Bit()
        {
            if (_bitsLeft == 0)
            {
                if (_pos >= _data.Length) throw new InvalidDataException("entropy data cut off");
                _byte = _data[_pos++];
                if (_byte == 0xFF)
                {
                    if (_pos >= _data.Length || _data[_pos] != 0) throw new InvalidDataException("marker inside entropy data");
                    _pos++;
                }
                _bitsLeft = 8;
            }
            _bitsLeft--;
            return (_byte >> _bitsLeft) & 1;
        }

        public int Read(int count)
        {
            var value = 0;
            for (var i = 0; i < count; i++) value = (value << 1) | Bit();
            return value;
        }

        /// <summary>Position after the last whole byte read (the padding bits of the last byte are discarded).</summary>
        public int End() => _pos;
    }

    /// <summary>Writes entropy-coded bits with 0xFF00 byte stuffing, padding the last byte with ones.</summary>
    private sealed class BitWriter
    {
        private readonly Stream _output;
        private int _buffer;
        private int _count;

        public BitWriter(Stream output) => _output = output;

        public void Write(int value, int length)
        {
            for (var i = length - 1; i >= 0; i--)
            {
                _buffer = (_buffer << 1) | ((value >> i) & 1);
                if (++_count == 8) Emit();
            }
        }

        public void Flush()
        {
            while (_count != 0) Write(1, 1);
        }

        private void Emit()
        {
            _output.WriteByte((byte)_buffer);
            if (_buffer == 0xFF) _output.WriteByte(0);
            _buffer = 0;
            _count = 0;
        }
    }
}
