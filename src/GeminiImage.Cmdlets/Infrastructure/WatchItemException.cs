using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Threading;
using GeminiImage.Cmdlets.Infrastructure;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Configuration;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Ledger;
using GeminiImage.Engine.Watch;

namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>A watched file that failed for a reason recorded earlier (no live exception).</summary>
internal sealed class WatchItemException : GeminiImageException
{
    public WatchItemException(string errorId, string message) : base(message) => ErrorId = errorId;
    public override string ErrorId { get; }
    public override ErrorKind Kind => ErrorKind.InvalidData;
}
